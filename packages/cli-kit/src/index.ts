export { cliName, inCliForm, inReadmeForm, type NamedIo, withCliForm } from "./cli-name.js";
export { bold, colorEnabled, red } from "./color.js";
export { completionScript, SHELLS, type Shell } from "./completion.js";
export { EXIT, type ExitCode } from "./exit-codes.js";
export { examplesBlock, helpWidthOf, wrapCommandLine, wrapText } from "./help-text.js";
export { packageVersion } from "./package-version.js";
export {
  type AnyCommand,
  addCompletionCommand,
  addHelpNotes,
  type CreateProgramOptions,
  commandPath,
  createProgram,
  type KitIo,
  type ProgramContext,
  type RunProgramOptions,
  runProgram,
  wantsJson,
} from "./program.js";
export { invalidValue, UsageError } from "./usage-error.js";
