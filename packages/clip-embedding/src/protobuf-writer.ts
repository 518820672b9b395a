/**
 * A minimal protobuf writer: enough of the wire format to serialise ONNX models. A message is
 * a list of chunks with a known total length, so large tensors are referenced, never copied.
 */
export interface ProtoMessage {
  readonly chunks: Uint8Array[];
  length: number;
}

export function message(): ProtoMessage {
  return { chunks: [], length: 0 };
}

function pushBytes(m: ProtoMessage, bytes: Uint8Array): void {
  m.chunks.push(bytes);
  m.length += bytes.length;
}

function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

function key(field: number, wireType: number): Uint8Array {
  return varint((field << 3) | wireType);
}

export function writeVarint(m: ProtoMessage, field: number, value: number | bigint): void {
  pushBytes(m, key(field, 0));
  pushBytes(m, varint(value));
}

export function writeFloat(m: ProtoMessage, field: number, value: number): void {
  pushBytes(m, key(field, 5));
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  pushBytes(m, b);
}

export function writeBytes(m: ProtoMessage, field: number, bytes: Uint8Array): void {
  pushBytes(m, key(field, 2));
  pushBytes(m, varint(bytes.length));
  pushBytes(m, bytes);
}

export function writeString(m: ProtoMessage, field: number, value: string): void {
  writeBytes(m, field, new TextEncoder().encode(value));
}

export function writeMessage(m: ProtoMessage, field: number, child: ProtoMessage): void {
  pushBytes(m, key(field, 2));
  pushBytes(m, varint(child.length));
  for (const c of child.chunks) pushBytes(m, c);
}

/** Packed repeated int64 (used for dims and ints attributes). */
export function writePackedVarints(
  m: ProtoMessage,
  field: number,
  values: readonly (number | bigint)[],
): void {
  const inner = message();
  for (const v of values) pushBytes(inner, varint(v));
  writeMessage(m, field, inner);
}

export function writePackedFloats(m: ProtoMessage, field: number, values: readonly number[]): void {
  const b = new Uint8Array(values.length * 4);
  const view = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  writeBytes(m, field, b);
}
