/**
 * The line that tells the reader which model produced a result and why it must not be trusted
 * (a random-weight or generated stand-in, a test encoder): "model <id>: <warning>". Every output
 * that names a model's warning uses this one wording.
 */
export function modelWarningLine(id: string, warning: string): string {
  return `model ${id}: ${warning}`;
}

/** `modelWarningLine` of a model (an encoder, a manifest's model) when it has a warning, else null. */
export function modelWarningOf(model: {
  readonly id: string;
  readonly warning?: string | undefined;
}): string | null {
  return model.warning ? modelWarningLine(model.id, model.warning) : null;
}
