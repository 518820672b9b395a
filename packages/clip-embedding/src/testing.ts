/**
 * `@vlmopt/clip-embedding/testing`: the ClipEncoder contract suite (vitest) and a stand-in
 * Hugging Face hub server on 127.0.0.1. The suite imports vitest, so only test files should
 * import this module.
 */
export { type ClipEncoderContractOptions, clipEncoderContract } from "./clip-encoder-contract.js";
export {
  FAKE_COMMIT,
  type FakeHub,
  type FakeHubOptions,
  type HubRequest,
  startFakeHub,
} from "./hub-test-server.js";
