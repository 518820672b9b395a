import { ParseError } from "@vlmopt/core";

/** A class or function named by GLOBAL/STACK_GLOBAL: recorded by name, never imported or called. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

/** An object made by NEWOBJ/NEWOBJ_EX/REDUCE, kept as a plain record: its class, arguments and BUILD state. */
export class PickleObject {
  state: PickleValue | undefined = undefined;
  constructor(
    readonly cls: PickleValue,
    readonly args: readonly PickleValue[],
    readonly via: "newobj" | "reduce",
  ) {}

  /** The attribute dict BUILD gave the object (`__dict__`), or undefined. */
  get attributes(): Map<PickleValue, PickleValue> | undefined {
    const s = this.state;
    if (s instanceof Map) return s;
    // (dict, slot-state) tuples: use the dict part.
    if (Array.isArray(s) && s[0] instanceof Map) return s[0];
    return undefined;
  }
}

/** A value decoded from a pickle. Tuples and lists are arrays, dicts are Maps, ints beyond 2^53 are bigints. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | PickleGlobal
  | PickleObject;

const MARK = Symbol("mark");
type StackItem = PickleValue | typeof MARK;

/** Names of opcodes this reader does not handle, for error messages. */
const OTHER_OPCODES: Record<number, string> = {
  73: "INT",
  76: "LONG",
  70: "FLOAT",
  83: "STRING",
  86: "UNICODE",
  112: "PUT",
  103: "GET",
  80: "PERSID",
  81: "BINPERSID",
  105: "INST",
  111: "OBJ",
  130: "EXT1",
  131: "EXT2",
  132: "EXT4",
  143: "EMPTY_SET",
  144: "ADDITEMS",
  145: "FROZENSET",
  150: "BYTEARRAY8",
  151: "NEXT_BUFFER",
  152: "READONLY_BUFFER",
};

const HINT =
  "Only data pickles (dicts, lists, tuples, strings, numbers and plain objects such as CoOp's Datum, protocols 2-5) can be read; re-save the data as JSON if it is something else.";

/**
 * Decodes a pickle (protocols 2-5) without executing anything: GLOBAL/STACK_GLOBAL only record the
 * class name, NEWOBJ/REDUCE make a `PickleObject` record and BUILD stores the state on it. Throws
 * ParseError naming the opcode and byte offset for anything it does not handle or a truncated file.
 */
export function unpickle(bytes: Uint8Array, file = "<pickle>"): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;
  let opAt = 0;
  let opName = "";

  const fail = (what: string): never => {
    throw new ParseError(`${file}: ${what} (opcode ${opName} at offset ${opAt})`, { hint: HINT });
  };
  const need = (n: number): number => {
    if (n > bytes.length - pos) fail(`truncated: needs ${n} more bytes, ${bytes.length - pos} left`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[need(1)] as number;
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const u64 = (): number => {
    const at = need(8);
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`length ${value} is too large`);
    return Number(value);
  };
  const utf8 = (n: number): string => {
    const at = need(n);
    try {
      return decoder.decode(bytes.subarray(at, at + n));
    } catch {
      return fail("invalid UTF-8 in a string");
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail("truncated: a text argument has no newline");
    const text = new TextDecoder("latin1").decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): PickleValue => {
    const item = stack.pop();
    if (item === undefined) return fail("stack underflow");
    if (item === MARK) return fail("unexpected MARK on the stack");
    return item;
  };
  const top = (): PickleValue => {
    const item = stack[stack.length - 1];
    if (item === undefined || item === MARK) return fail("no object on the stack");
    return item;
  };
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("no MARK on the stack");
    const items = stack.splice(at).slice(1) as PickleValue[];
    return items;
  };
  const long = (n: number): number | bigint => {
    const at = need(n);
    if (n === 0) return 0;
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i] as number);
    if (((bytes[at + n - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(8 * n);
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    return value <= safe && value >= -safe ? Number(value) : value;
  };
  const setItems = (dict: PickleValue, items: PickleValue[]): void => {
    if (!(dict instanceof Map)) fail("SETITEM(S) target is not a dict");
    for (let i = 0; i + 1 < items.length; i += 2)
      (dict as Map<PickleValue, PickleValue>).set(items[i] as PickleValue, items[i + 1] as PickleValue);
  };
  const append = (list: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(list)) fail("APPEND(S) target is not a list");
    (list as PickleValue[]).push(...items);
  };
  const memoGet = (index: number): PickleValue => {
    if (!memo.has(index)) fail(`memo entry ${index} is not defined`);
    return memo.get(index) as PickleValue;
  };

  while (true) {
    opAt = pos;
    if (pos >= bytes.length) {
      opName = "(end)";
      fail("ended without STOP");
    }
    const op = bytes[pos++] as number;
    opName = `0x${op.toString(16).padStart(2, "0")}`;
    switch (op) {
      case 0x80: // PROTO
        opName = "PROTO";
        if (u8() > 5) fail("protocol above 5");
        break;
      case 0x95: // FRAME
        opName = "FRAME";
        u64();
        break;
      case 0x2e: // STOP
        opName = "STOP";
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x30: // POP
        opName = "POP";
        if (stack.pop() === undefined) fail("stack underflow");
        break;
      case 0x31: // POP_MARK
        opName = "POP_MARK";
        popMark();
        break;
      case 0x32: // DUP
        opName = "DUP";
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        opName = "BININT";
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        opName = "BININT1";
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        opName = "BININT2";
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        opName = "LONG1";
        stack.push(long(u8()));
        break;
      case 0x8b: // LONG4
        opName = "LONG4";
        stack.push(long(u32()));
        break;
      case 0x47: // BINFLOAT
        opName = "BINFLOAT";
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        opName = "BINUNICODE";
        stack.push(utf8(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        opName = "SHORT_BINUNICODE";
        stack.push(utf8(u8()));
        break;
      case 0x8d: // BINUNICODE8
        opName = "BINUNICODE8";
        stack.push(utf8(u64()));
        break;
      case 0x55: // SHORT_BINSTRING (Python 2 str)
      case 0x54: {
        // BINSTRING
        opName = op === 0x55 ? "SHORT_BINSTRING" : "BINSTRING";
        const n = op === 0x55 ? u8() : u32();
        const at = need(n);
        stack.push(new TextDecoder("latin1").decode(bytes.subarray(at, at + n)));
        break;
      }
      case 0x43: // SHORT_BINBYTES
      case 0x42: // BINBYTES
      case 0x8e: {
        // BINBYTES8
        opName = op === 0x43 ? "SHORT_BINBYTES" : op === 0x42 ? "BINBYTES" : "BINBYTES8";
        const n = op === 0x43 ? u8() : op === 0x42 ? u32() : u64();
        const at = need(n);
        stack.push(new Uint8Array(bytes.subarray(at, at + n)));
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x64: {
        // DICT
        opName = "DICT";
        const dict = new Map<PickleValue, PickleValue>();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x6c: // LIST
      case 0x74: // TUPLE
        opName = op === 0x6c ? "LIST" : "TUPLE";
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        opName = `TUPLE${op - 0x84}`;
        const n = op - 0x84;
        const items: PickleValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        opName = "APPEND";
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        opName = "APPENDS";
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        opName = "SETITEM";
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        opName = "SETITEMS";
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x63: {
        // GLOBAL
        opName = "GLOBAL";
        const module = line();
        stack.push(new PickleGlobal(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        opName = "STACK_GLOBAL";
        const name = pop();
        const module = pop();
        if (typeof name !== "string" || typeof module !== "string") fail("module and name must be strings");
        stack.push(new PickleGlobal(module as string, name as string));
        break;
      }
      case 0x81: {
        // NEWOBJ
        opName = "NEWOBJ";
        const args = pop();
        const cls = pop();
        stack.push(new PickleObject(cls, Array.isArray(args) ? args : [args], "newobj"));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        opName = "NEWOBJ_EX";
        pop(); // kwargs
        const args = pop();
        const cls = pop();
        stack.push(new PickleObject(cls, Array.isArray(args) ? args : [args], "newobj"));
        break;
      }
      case 0x52: {
        // REDUCE
        opName = "REDUCE";
        const args = pop();
        const callable = pop();
        stack.push(new PickleObject(callable, Array.isArray(args) ? args : [args], "reduce"));
        break;
      }
      case 0x62: {
        // BUILD
        opName = "BUILD";
        const state = pop();
        const target = top();
        if (!(target instanceof PickleObject)) fail("BUILD target is not an object");
        (target as PickleObject).state = state;
        break;
      }
      case 0x94: // MEMOIZE
        opName = "MEMOIZE";
        memo.set(memo.size, top());
        break;
      case 0x71: // BINPUT
        opName = "BINPUT";
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        opName = "LONG_BINPUT";
        memo.set(u32(), top());
        break;
      case 0x68: // BINGET
        opName = "BINGET";
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        opName = "LONG_BINGET";
        stack.push(memoGet(u32()));
        break;
      default: {
        const name = OTHER_OPCODES[op];
        const printable = op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : "";
        opName = `${opName}${printable}${name ? ` ${name}` : ""}`;
        fail(name ? "unsupported opcode" : "unknown opcode");
      }
    }
  }
}
