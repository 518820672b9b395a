export { aggregate, type Cell, curvesByMethod, type ResultTable } from "./aggregate.js";
export { mapBounded } from "./bounded.js";
export { csvField, toCsv } from "./csv.js";
export { type BenchIo, memoryIo, processIo } from "./io.js";
export { isPaperBackbone, meaninglessBanner, meaninglessReason } from "./labels.js";
export { EXIT, type RunOptions, run } from "./main.js";
export { OUTPUT_FILES, writeSuiteOutputs } from "./outputs.js";
export { type LoopPerfResult, measureLoop } from "./perf-loop.js";
export { measureScore, type ScorePerfRow } from "./perf-score.js";
export { hasPublishedNumbers, PAPER_SOURCE, PUBLISHED_1SHOT, type PublishedTable } from "./published.js";
export { renderCsv } from "./render-csv.js";
export { renderHtml } from "./render-html.js";
export { renderMarkdown } from "./render-markdown.js";
export {
  renderTransferCsv,
  renderTransferHtml,
  renderTransferMarkdown,
  transferMeaningless,
  transferTable,
  writeTransferOutputs,
} from "./render-transfer.js";
export { curveFromEvents, type RunState, readRunState, spentInLog } from "./run-state.js";
export { type RunSuiteOptions, runDirOf, runSuite, type SuiteBudgetOptions } from "./run-suite.js";
export { SuiteBudget } from "./suite-budget.js";
export {
  BASELINES,
  DATASET_LABELS,
  getSuite,
  PAPER_DATASETS,
  PAPER_STRATEGIES,
  SUITES,
  selectFromSuite,
} from "./suites.js";
export {
  type ModelIdentity,
  type RunTransferOptions,
  runTransferSuite,
  type TransferRecord,
  type TransferResults,
} from "./transfer-suite.js";
export type * from "./types.js";
export { type BenchWiring, createDefaultWiring, type PoolName } from "./wiring.js";
