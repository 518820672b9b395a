import { open } from "node:fs/promises";
import {
  message,
  type ProtoMessage,
  writeBytes,
  writeFloat,
  writeMessage,
  writePackedFloats,
  writePackedVarints,
  writeString,
  writeVarint,
} from "./protobuf-writer.js";

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type OnnxElemType = (typeof OnnxType)[keyof typeof OnnxType];

export type AttrValue = number | number[] | string | { floats: number[] } | { float: number };
export type Dim = number | string;

export type TensorData = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

function elemTypeOf(data: TensorData): OnnxElemType {
  if (data instanceof Float32Array) return OnnxType.FLOAT;
  if (data instanceof BigInt64Array) return OnnxType.INT64;
  if (data instanceof Int32Array) return OnnxType.INT32;
  if (data instanceof Int8Array) return OnnxType.INT8;
  return OnnxType.UINT8;
}

function tensorProto(name: string, dims: readonly number[], data: TensorData): ProtoMessage {
  const t = message();
  writePackedVarints(t, 1, dims);
  writeVarint(t, 2, elemTypeOf(data));
  writeString(t, 8, name);
  // raw_data is little-endian; every platform Node supports in practice is little-endian.
  writeBytes(t, 9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return t;
}

function valueInfo(name: string, elemType: OnnxElemType, dims: readonly Dim[]): ProtoMessage {
  const shape = message();
  for (const d of dims) {
    const dim = message();
    if (typeof d === "number") writeVarint(dim, 1, d);
    else writeString(dim, 2, d);
    writeMessage(shape, 1, dim);
  }
  const tensorType = message();
  writeVarint(tensorType, 1, elemType);
  writeMessage(tensorType, 2, shape);
  const type = message();
  writeMessage(type, 1, tensorType);
  const vi = message();
  writeString(vi, 1, name);
  writeMessage(vi, 2, type);
  return vi;
}

function attribute(name: string, value: AttrValue): ProtoMessage {
  const a = message();
  writeString(a, 1, name);
  if (typeof value === "string") {
    writeString(a, 4, value);
    writeVarint(a, 20, 3);
  } else if (typeof value === "number") {
    writeVarint(a, 3, value);
    writeVarint(a, 20, 2);
  } else if (Array.isArray(value)) {
    writePackedVarints(a, 8, value);
    writeVarint(a, 20, 7);
  } else if ("floats" in value) {
    writePackedFloats(a, 7, value.floats);
    writeVarint(a, 20, 6);
  } else {
    writeFloat(a, 2, value.float);
    writeVarint(a, 20, 1);
  }
  return a;
}

/** Builds an ONNX graph node by node and writes it as a ModelProto file. */
export class OnnxGraphBuilder {
  private readonly graph = message();
  private readonly nodes: ProtoMessage[] = [];
  private readonly initializers: ProtoMessage[] = [];
  private readonly inputs: ProtoMessage[] = [];
  private readonly outputs: ProtoMessage[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, elemType: OnnxElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: OnnxElemType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a weight or constant; returns its name. */
  init(name: string, dims: readonly number[], data: TensorData): string {
    this.initializers.push(tensorProto(name, dims, data));
    return name;
  }

  int64s(values: readonly number[]): string {
    return this.init(`const_${this.counter++}`, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  scalarFloat(value: number): string {
    return this.init(`const_${this.counter++}`, [], Float32Array.of(value));
  }

  /** Adds a node with one output (or `outputs` names) and returns the first output's name. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    output?: string,
  ): string {
    const out = output ?? `${opType.toLowerCase()}_${this.counter++}`;
    const n = message();
    for (const i of inputs) writeString(n, 1, i);
    writeString(n, 2, out);
    writeString(n, 3, `${out}_node`);
    writeString(n, 4, opType);
    for (const [k, v] of Object.entries(attrs)) writeMessage(n, 5, attribute(k, v));
    this.nodes.push(n);
    return out;
  }

  /** Adds a node with `count` outputs and returns their names. */
  opN(
    opType: string,
    inputs: readonly string[],
    count: number,
    attrs: Record<string, AttrValue> = {},
  ): string[] {
    const outs = Array.from({ length: count }, (_, i) => `${opType.toLowerCase()}_${this.counter}_${i}`);
    this.counter++;
    const n = message();
    for (const i of inputs) writeString(n, 1, i);
    for (const o of outs) writeString(n, 2, o);
    writeString(n, 3, `${outs[0]}_node`);
    writeString(n, 4, opType);
    for (const [k, v] of Object.entries(attrs)) writeMessage(n, 5, attribute(k, v));
    this.nodes.push(n);
    return outs;
  }

  private build(): ProtoMessage {
    const g = this.graph;
    for (const n of this.nodes) writeMessage(g, 1, n);
    writeString(g, 2, this.name);
    for (const t of this.initializers) writeMessage(g, 5, t);
    for (const i of this.inputs) writeMessage(g, 11, i);
    for (const o of this.outputs) writeMessage(g, 12, o);
    const model = message();
    writeVarint(model, 1, 8); // ir_version
    writeString(model, 2, "vlmopt");
    writeString(model, 3, "0.1.0");
    writeMessage(model, 7, g);
    const opset = message();
    writeString(opset, 1, "");
    writeVarint(opset, 2, 17);
    writeMessage(model, 8, opset);
    return model;
  }

  /** Writes the model to `path` (chunk by chunk, no full copy in memory). */
  async writeTo(path: string): Promise<number> {
    const model = this.build();
    const fh = await open(path, "w");
    try {
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      for (const c of model.chunks) {
        batch.push(c);
        batchBytes += c.length;
        if (batchBytes > 1 << 20 || batch.length >= 512) {
          await fh.writev(batch);
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0) await fh.writev(batch);
    } finally {
      await fh.close();
    }
    return model.length;
  }
}
