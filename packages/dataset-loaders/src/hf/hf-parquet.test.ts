import { parquetMetadataAsync } from "hyparquet";
import { describe, expect, it } from "vitest";
import { HAS_SHARED } from "../shared-data.test-helper.js";
import { eurosatParquet, eurosatRows } from "./hf-fixtures.test-helper.js";
import { findHfColumns, readHfRows } from "./hf-parquet.js";

describe.skipIf(!HAS_SHARED)("readHfRows", () => {
  it("reads one row group at a time: no read spans the file", async () => {
    const rows = eurosatRows("train", 8);
    const bytes = eurosatParquet(rows, 10);
    const ab: ArrayBuffer = Uint8Array.from(bytes).buffer;
    let largest = 0;
    const file = {
      byteLength: ab.byteLength,
      slice(start: number, end?: number) {
        largest = Math.max(largest, (end ?? ab.byteLength) - start);
        return ab.slice(start, end);
      },
    };
    const metadata = await parquetMetadataAsync(file, { initialFetchSize: 4096 });
    expect(metadata.row_groups.length).toBe(8);
    const cols = findHfColumns(metadata);
    expect(cols).toMatchObject({ image: "image", label: "label" });
    largest = 0;
    let seen = 0;
    for await (const group of readHfRows(file, metadata, { image: "image", label: cols.label })) {
      expect(group.length).toBe(10);
      seen += group.length;
    }
    expect(seen).toBe(80);
    // Each read is about one row group (1/8 of the file), never the whole file.
    expect(largest).toBeLessThan(ab.byteLength / 4);
  });
});
