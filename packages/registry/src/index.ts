export { llmPrefixOf } from "@vlmopt/llm-providers/plugins";
export { loadPluginModules } from "./load-plugins.js";
export {
  assertPlugin,
  clearRegisteredPlugins,
  type PluginSet,
  pluginSetOf,
  registeredPlugins,
  registerPlugin,
} from "./plugin-set.js";
export {
  builtinPlugins,
  type CatalogEntry,
  createRegistry,
  type DatasetCheck,
  type DownloadProgress,
  type RawParams,
  type Registry,
  type RegistryOptions,
  type ResolveDatasetOptions,
  type ResolveLlmOptions,
  type ResolveModelOptions,
} from "./registry.js";
