/**
 * Parquet files in the layout `datasets` writes (an Image feature as a {bytes, path} struct, a
 * ClassLabel with its names in the "huggingface" key-value metadata), generated in tests from the
 * shared EuroSAT images. Never committed.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { DATASETS_ROOT } from "../shared-data.test-helper.js";

/** EuroSAT's folder names, the class names of the hub's EuroSAT copies (ClassLabel order). */
export const EUROSAT_FOLDERS = readFileSync(join(DATASETS_ROOT, "eurosat/class_folders.txt"), "utf8")
  .split("\n")
  .filter(Boolean);

export interface FixtureRow {
  /** CoOp relpath under eurosat/images, e.g. "AnnualCrop/AnnualCrop_1257.jpg". */
  rel: string;
  label: number;
}

/** `perClass` images of each class from the shared EuroSAT split (`part`), skipping `offset` per class. */
export function eurosatRows(part: "train" | "test", perClass: number, offset = 0): FixtureRow[] {
  const split = JSON.parse(readFileSync(join(DATASETS_ROOT, "eurosat/split.json"), "utf8")) as Record<
    string,
    [string, number, string][]
  >;
  const seen = new Map<number, number>();
  const out: FixtureRow[] = [];
  for (const [rel, label] of split[part] ?? []) {
    const n = seen.get(label) ?? 0;
    seen.set(label, n + 1);
    if (n >= offset && n < offset + perClass) out.push({ rel, label });
  }
  return out;
}

const hfMetadata = (names: readonly string[], withImage: boolean) =>
  JSON.stringify({
    info: {
      features: {
        ...(withImage ? { image: { _type: "Image" } } : { text: { dtype: "string", _type: "Value" } }),
        label: { names, _type: "ClassLabel" },
      },
    },
  });

const SCHEMA: ConstructorParameters<typeof ParquetWriter>[0]["schema"] = [
  { name: "schema", num_children: 2 },
  { name: "image", repetition_type: "OPTIONAL", num_children: 2 },
  { name: "bytes", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
  { name: "path", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "label", type: "INT64", repetition_type: "OPTIONAL" },
];

/** A parquet file of the rows, `rowGroupSize` rows per row group (datasets writes 100 for images). */
export function eurosatParquet(rows: readonly FixtureRow[], rowGroupSize = 8): Uint8Array {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({
    writer,
    schema: SCHEMA,
    kvMetadata: [{ key: "huggingface", value: hfMetadata(EUROSAT_FOLDERS, true) }],
  });
  pw.write({
    columnData: [
      {
        name: "image",
        data: rows.map((r) => ({
          bytes: new Uint8Array(readFileSync(join(DATASETS_ROOT, "eurosat/images", r.rel))),
          path: basename(r.rel),
        })),
      },
      { name: "label", data: rows.map((r) => BigInt(r.label)) },
    ],
    rowGroupSize,
  });
  pw.finish();
  return new Uint8Array(writer.getBuffer());
}

/** A parquet file with a text column and a label, but no image column. */
export function textParquet(): Uint8Array {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({
    writer,
    schema: [
      { name: "schema", num_children: 2 },
      { name: "text", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      { name: "label", type: "INT64", repetition_type: "OPTIONAL" },
    ],
    kvMetadata: [{ key: "huggingface", value: hfMetadata(["neg", "pos"], false) }],
  });
  pw.write({
    columnData: [
      { name: "text", data: ["bad", "good"] },
      { name: "label", data: [0n, 1n] },
    ],
  });
  pw.finish();
  return new Uint8Array(writer.getBuffer());
}
