/**
 * Whether output may carry ANSI colours: FORCE_COLOR (not "0") forces them, a non-empty NO_COLOR
 * (https://no-color.org: "when present and not an empty string, prevents the addition of ANSI
 * color") or TERM=dumb turns them off, else only a terminal gets them.
 */
export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

/** `text` in bold, or as it is when colour is off. */
export const bold = (text: string, on: boolean): string => (on ? `\x1b[1m${text}\x1b[22m` : text);

/** `text` in red, or as it is when colour is off. */
export const red = (text: string, on: boolean): string => (on ? `\x1b[31m${text}\x1b[39m` : text);
