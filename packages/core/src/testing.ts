/**
 * `@vlmopt/core/testing`: deterministic test doubles (they are not models: the hash encoder's
 * embeddings mean nothing and the scripted LLM only repeats what it was given), and the contract
 * suites (vitest) that a RunStore or an EmbeddingCache — this package's or a third party's — runs.
 * The suites import vitest, so only test files should import this module.
 */
export * from "./embedding-cache-contract.js";
export { MemoryRunStore } from "./memory-run-store.js";
export { OPENING_PROMPTS } from "./opening-prompts.js";
export * from "./run-store-contract.js";
export * from "./testing-doubles.js";
export { tinyPng } from "./tiny-png.js";
