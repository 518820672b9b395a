import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "./csv.js";

describe("parseCsv", () => {
  it("reads quoted fields, escaped quotes, mixed line ends and a BOM, skipping blank lines", () => {
    const text = '\uFEFFpath,label\n\n"a, b.jpg",cat\r\nc.jpg,"do""g"\rx"y.jpg,z\n\n\nlast,1,extra\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["path", "label"] },
      { line: 3, fields: ["a, b.jpg", "cat"] },
      { line: 4, fields: ["c.jpg", 'do"g'] },
      { line: 5, fields: ['x"y.jpg', "z"] },
      { line: 8, fields: ["last", "1", "extra"] },
    ]);
  });

  it("numbers a row by the line it starts on when a quoted field spans lines", () => {
    expect(parseCsv('a,b\n"two\nlines",x\nc,d')).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["two\nlines", "x"] },
      { line: 4, fields: ["c", "d"] },
    ]);
  });

  it("reports an unclosed quote with its line", () => {
    const read = () => parseCsv('path,label\nok.jpg,cat\n"broken.jpg,dog\nmore.jpg,cat\n');
    expect(read).toThrow(CsvSyntaxError);
    expect(read).toThrow(/Quote Not Closed.*\(the row starting at line 3\)$/);
    try {
      read();
    } catch (error) {
      expect((error as CsvSyntaxError).line).toBe(3);
    }
  });
});
