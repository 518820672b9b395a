import { CsvError, parse } from "csv-parse/sync";

/** A CSV row with its 1-based line number (where the row starts). */
export interface CsvRow {
  line: number;
  fields: string[];
}

/** CSV that csv-parse could not read (an unclosed quote), with the line where it went wrong. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

const NEWLINE = /\r\n|\r|\n/g;

/**
 * Parses CSV with csv-parse (https://csv.js.org/parse/options/: `bom`, `relax_quotes`,
 * `relax_column_count`, `skip_empty_lines`, `record_delimiter`, `info` — whose `lines` is the
 * line a record ends on): RFC 4180 quoted fields and "" escapes, CRLF, LF or CR line ends (mixed),
 * a quote inside an unquoted field kept as it is, rows of any length. Blank lines are skipped.
 * Throws CsvSyntaxError (with the line) for CSV it cannot read.
 */
export function parseCsv(text: string): CsvRow[] {
  let records: { info: { lines: number }; record: string[] }[];
  /** The line the last good record ended on. */
  let lastGood = 0;
  try {
    // With `info`, each record comes as { info, record } (the typings do not model it).
    records = parse(text, {
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ["\r\n", "\n", "\r"],
      info: true,
      on_record: (record, context) => {
        lastGood = context.lines;
        return record;
      },
    }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // csv-parse names the line where it gave up (the end, for an unclosed quote); the culprit is
    // the first non-blank line after the last good record.
    const lines = text.split(NEWLINE);
    let line = lastGood + 1;
    while (line < lines.length && lines[line - 1]?.trim() === "") line++;
    throw new CsvSyntaxError(
      `${error.message.replace(/ at line \d+$/, "")} (the row starting at line ${line})`,
      line,
    );
  }
  return records.map(({ info, record }) => ({
    line: info.lines - record.reduce((n, field) => n + (field.match(NEWLINE)?.length ?? 0), 0),
    fields: record,
  }));
}
