import type { AsyncBuffer, FileMetaData, SchemaElement } from "hyparquet";

/**
 * How a Hugging Face parquet file holds an image-classification dataset. The hub's parquet files
 * written by `datasets` carry the dataset's features as JSON in the key-value metadata under
 * "huggingface": `{"info": {"features": {"image": {"_type": "Image"}, "label": {"_type":
 * "ClassLabel", "names": [...]}}}}` (huggingface/datasets src/datasets/arrow_dataset.py,
 * update_metadata_with_features; arrow_writer.py ArrowWriter._build_metadata). An Image feature
 * is stored as the struct `{bytes: binary, path: string}` (src/datasets/features/image.py,
 * Image.pa_type).
 */
export interface HfParquetColumns {
  image: string;
  /** The label column, or null when the file has none. */
  label: string | null;
  /** ClassLabel names of the label column, when the metadata has them. */
  classNames: string[] | null;
  /** Every top-level column, for messages. */
  columns: string[];
}

interface HfFeature {
  _type?: string;
  names?: unknown;
}

export function hfFeatures(metadata: FileMetaData): Record<string, HfFeature> {
  const raw = metadata.key_value_metadata?.find((kv) => kv.key === "huggingface")?.value;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as { info?: { features?: Record<string, HfFeature> } };
    return parsed.info?.features ?? {};
  } catch {
    return {};
  }
}

/** Top-level columns with their direct children's names (a struct's fields). */
function topColumns(schema: readonly SchemaElement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let i = 1;
  const skip = (at: number): number => {
    const n = schema[at]?.num_children ?? 0;
    let next = at + 1;
    for (let c = 0; c < n; c++) next = skip(next);
    return next;
  };
  const root = schema[0]?.num_children ?? 0;
  for (let c = 0; c < root; c++) {
    const el = schema[i] as SchemaElement;
    const children: string[] = [];
    let j = i + 1;
    for (let k = 0; k < (el.num_children ?? 0); k++) {
      children.push(schema[j]?.name ?? "");
      j = skip(j);
    }
    out.set(el.name, children);
    i = skip(i);
  }
  return out;
}

const LABEL_NAMES = ["label", "labels", "fine_label", "class", "target"];

/**
 * The image and label columns: the Image / ClassLabel features of the metadata, else a
 * `{bytes, path}` struct column and a column named like a label. Null image when there is none.
 */
export function findHfColumns(metadata: FileMetaData): Omit<HfParquetColumns, "image"> & {
  image: string | null;
} {
  const features = hfFeatures(metadata);
  const cols = topColumns(metadata.schema);
  const columns = [...cols.keys()];
  let image = columns.find((c) => features[c]?._type === "Image") ?? null;
  image ??=
    columns.find((c) => {
      const ch = cols.get(c) ?? [];
      return ch.includes("bytes") && ch.includes("path");
    }) ?? null;
  let label = columns.find((c) => features[c]?._type === "ClassLabel") ?? null;
  label ??= columns.find((c) => LABEL_NAMES.includes(c.toLowerCase())) ?? null;
  const names = label ? features[label]?.names : undefined;
  const classNames =
    Array.isArray(names) && names.every((n) => typeof n === "string") ? (names as string[]) : null;
  return { image, label, classNames, columns };
}

export interface HfRow {
  /** Row index in the file. */
  index: number;
  bytes: Uint8Array | null;
  path: string | null;
  label: unknown;
}

/**
 * The rows of one parquet file, one row group at a time: memory holds one row group's image and
 * label columns, never the file (hyparquet reads the row group's column chunks by byte range).
 */
export async function* readHfRows(
  file: AsyncBuffer,
  metadata: FileMetaData,
  columns: { image: string; label: string | null },
): AsyncGenerator<HfRow[]> {
  const { parquetReadObjects } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const rows = await parquetReadObjects({
      file,
      metadata,
      columns: columns.label ? [columns.image, columns.label] : [columns.image],
      rowStart: start,
      rowEnd: end,
      compressors,
      // Byte arrays stay bytes (the image); the path is a UTF8 string column either way.
      utf8: false,
    });
    yield rows.map((row, k) => {
      const img = row[columns.image] as { bytes?: unknown; path?: unknown } | null | undefined;
      const bytes = img?.bytes instanceof Uint8Array ? img.bytes : null;
      const path = typeof img?.path === "string" ? img.path : null;
      return { index: start + k, bytes, path, label: columns.label ? row[columns.label] : undefined };
    });
    start = end;
  }
}
