/**
 * `@vlmopt/registry/testing`: the plugin-entry contract (vitest) an out-of-tree plugin module
 * runs, and the checks behind it. It imports vitest, so only test files should import this module.
 */
export { type PluginContractOptions, pluginContract } from "./testing/plugin-contract.js";
export { type PluginProblemsOptions, pluginProblems } from "./testing/plugin-problems.js";
