export { cliName, inCliForm, inReadmeForm } from "@vlmopt/cli-kit";
export type { CommandSpec, ParsedCommand } from "./command.js";
export type { Command, CommandContext } from "./command-context.js";
export { CONFIG_FILE, type ConfigFile, configSchema, loadConfigFile } from "./config-file.js";
export { EXIT, exitCodeOf } from "./exit-codes.js";
export { type CliIo, memoryIo, processIo } from "./io.js";
export { COMMANDS, type LazyCommand, run } from "./main.js";
export { createProgressObserver, featureLine } from "./progress.js";
export {
  type CatalogEntry,
  createRegistry,
  type DatasetCheck,
  type DownloadProgress,
  type Registry,
  type ResolveDatasetOptions,
  type ResolveLlmOptions,
  type ResolveModelOptions,
} from "./registry.js";
export { renderHtml } from "./report/html.js";
export { renderMarkdown } from "./report/markdown.js";
export { type ChartPoint, loadReportData, type ReportData } from "./report/report-data.js";
export { writeReport } from "./report/write-report.js";
export { clientBuildOptions } from "./ui/client-build.js";
export { DirectoryRunSource } from "./ui/directory-source.js";
export { PostgresRunSource } from "./ui/postgres-source.js";
export type { RunSource, SuiteInput } from "./ui/run-source.js";
export { startUiServer, type UiServer, type UiServerOptions } from "./ui/server.js";
export { UsageError } from "./usage-error.js";
