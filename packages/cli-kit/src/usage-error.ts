/** A command line that cannot be parsed: exit code 2 and the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * The one wording (`option` is `--shots`, or a positional's name) of a bad value on the command line, for numbers and names alike:
 * `--shots "-1" is not a whole number ≥ 1`, `--strategy "nope" is not one of: hill-climb, …`.
 */
export function invalidValue(option: string, value: string, expected: string, command?: string): UsageError {
  return new UsageError(`${option} ${JSON.stringify(value)} is not ${expected}`, command);
}
