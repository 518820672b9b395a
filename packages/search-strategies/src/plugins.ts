/**
 * The light entry point of the strategies: the zod parameter helpers the registry uses. Imports
 * no prompt file and no strategy implementation at top level.
 */
export { describeValid, type ParamValue, paramListing, parseStrategyParams } from "./strategy-params.js";
