import type { RunSource, SuiteInput } from "./run-source.js";

/** What the suite page shows around the bench's own report (which it embeds). */
export interface SuiteView {
  id: string;
  suite: string;
  createdAt: string;
  model: string;
  llm: string;
  meaningless: string | null;
  hasReport: boolean;
  records: {
    dataset: string;
    method: string;
    label: string;
    seed: number | null;
    status: string;
    testAccuracy: number | null;
    llmCalls: number;
    /** The run's id in the UI's source, when its directory is there. */
    runId: string | null;
  }[];
}

/** One line of the suite list. */
export interface SuiteSummary {
  id: string;
  suite: string;
  createdAt: string;
  model: string;
  records: number;
}

/** The record's run: by its recorded directory, else where the bench lays it out inside the suite. */
function runIdOf(
  suiteId: string,
  r: SuiteInput["results"]["records"][number],
  source: RunSource,
): string | null {
  if (!source.runIdOfDir || r.kind !== "strategy" || r.seed === null) return null;
  const laidOut = `${suiteId ? `${suiteId}/` : ""}runs/${r.dataset}/${r.method}/seed-${r.seed}`;
  return (r.runDir ? source.runIdOfDir(r.runDir) : null) ?? source.runIdOfDir(laidOut);
}

export function suiteViewOf(s: SuiteInput, source: RunSource): SuiteView {
  const { identity, records, createdAt } = s.results;
  return {
    id: s.id,
    suite: identity.suite,
    createdAt,
    model: identity.model.id,
    llm: `${identity.llm.provider}:${identity.llm.modelId}`,
    meaningless: identity.meaningless,
    hasReport: s.reportHtml !== null,
    records: records.map((r) => ({
      dataset: r.dataset,
      method: r.method,
      label: r.methodLabel,
      seed: r.seed,
      status: r.status,
      testAccuracy: r.testAccuracy,
      llmCalls: r.llmCalls,
      runId: runIdOf(s.id, r, source),
    })),
  };
}

export function suiteSummaryOf(s: SuiteInput): SuiteSummary {
  const { identity, records, createdAt } = s.results;
  return { id: s.id, suite: identity.suite, createdAt, model: identity.model.id, records: records.length };
}
