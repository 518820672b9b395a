import { displayMessage, inReadmeForm, VlmoptError } from "@vlmopt/core";

interface Problem {
  message: string;
  fix: string;
}

/** dataset-loaders' load errors carry their problems (DatasetProblemsError's `problems`). */
function problemsOf(error: unknown): Problem[] | null {
  if (!VlmoptError.isInstance(error)) return null;
  const problems = (error as unknown as { problems?: unknown }).problems;
  return Array.isArray(problems) && problems.length > 0 ? (problems as Problem[]) : null;
}

/**
 * Why a dataset of a suite is skipped, on one line: its first problem and that problem's fix
 * (once), and how many more there are and where to see them.
 */
export function skipReason(error: unknown, dataset: string, root: string): string {
  const problems = problemsOf(error);
  const where = `cannot be loaded from ${root}`;
  if (!problems) return inReadmeForm(`${where}: ${displayMessage(error).replace(/\s*\n\s*/g, " ")}`);
  const [first] = problems as [Problem, ...Problem[]];
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? "" : "s"}; \`vlmopt datasets check ${dataset} --data-root ${root}\` lists them)`
      : "";
  // Kept in results.json and the suite report, read later: commands in the README's form.
  return inReadmeForm(`${where}: ${first.message} — fix: ${first.fix}${more}`);
}
