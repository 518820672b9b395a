/**
 * `@vlmopt/llm-providers/testing`: the LlmProvider contract suite (vitest), a stand-in
 * OpenAI/Anthropic-compatible HTTP server on 127.0.0.1, and the strategies' opening meta-prompts
 * with the templates each shows. The suite imports vitest, so only test files should import this
 * module.
 */

export { OPENING_PROMPTS } from "@vlmopt/core/testing";
export {
  type ContractOptions as LlmProviderContractOptions,
  runLlmProviderContract,
} from "./llm-provider-contract.js";
export { startAzureOpenAIStandIn } from "./testing/azure-openai-stand-in.js";
export { startBedrockStandIn } from "./testing/bedrock-stand-in.js";
export {
  defaultFakeReply,
  type FakeLlmRequest,
  type FakeLlmServer,
  type FakeLlmServerOptions,
  type FakeReply,
  type FakeReplyFunction,
  type StandInProtocol,
  startFakeLlmServer,
} from "./testing/fake-llm-server.js";
export { startGeminiStandIn } from "./testing/gemini-stand-in.js";
