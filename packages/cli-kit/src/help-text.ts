import { Help } from "@commander-js/extra-typings";

/** The width help is wrapped to: the terminal's columns, else 80 (a file, a pipe, a test). */
export function helpWidthOf(columns: number | undefined): number {
  return columns !== undefined && columns >= 40 ? columns : 80;
}

/** A word longer than `width` (e.g. "a|b|c|…") with spaces after its "|" and "," so it can wrap. */
export function breakLongWords(text: string, width: number): string {
  return text.replace(/\S+/g, (word) => (word.length > width ? word.replace(/([|,])(?=\S)/g, "$1 ") : word));
}

/** Prose wrapped at whitespace to `width` (commander's own Help.boxWrap), paragraphs kept. */
export function wrapText(text: string, width: number): string {
  return new Help().boxWrap(breakLongWords(text, width), width);
}

/**
 * A command line shown in help, wrapped to `width` as the shell reads it: each continued line ends
 * in " \" and the next is indented, so a wrapped example can still be copied and run.
 */
export function wrapCommandLine(line: string, width: number, indent = "  "): string {
  const words = line.trim().split(/ +/);
  const lines: string[] = [];
  let current = indent;
  for (const word of words) {
    const sep = current.trim() === "" ? "" : " ";
    if (current.trim() !== "" && current.length + sep.length + word.length + 2 > width) {
      lines.push(`${current} \\`);
      current = `${indent}    ${word}`;
    } else current += sep + word;
  }
  lines.push(current);
  return lines.join("\n");
}

/** An "Examples:" block (or "Example:" for one), each command line wrapped to `width`. */
export function examplesBlock(examples: readonly string[], width: number): string {
  if (examples.length === 0) return "";
  const title = examples.length > 1 ? "Examples:" : "Example:";
  return `${title}\n${examples.map((e) => wrapCommandLine(e, width)).join("\n")}`;
}
