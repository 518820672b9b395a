/**
 * `@vlmopt/search-strategies/testing`: the SearchStrategy contract suite (vitest). It imports
 * vitest, so only test files should import this module.
 */
export { type SearchStrategyContractOptions, searchStrategyContract } from "./testing/strategy-contract.js";
