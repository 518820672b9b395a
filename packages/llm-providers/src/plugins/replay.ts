import { defineLlmProvider } from "@vlmopt/core";
import { checkReplayDir } from "../provider-paths.js";
import { absoluteSpecPath, requireRest } from "../provider-spec.js";

/** `replay:<run-dir>`: re-serves the LLM replies a finished run recorded in its events.jsonl. */
export const replayPlugin = defineLlmProvider({
  specificationVersion: "v1",
  kind: "llm-provider",
  prefixes: ["replay"],
  help: [{ form: "replay:<run-dir>", description: "re-serves the LLM replies recorded in a run" }],
  parse: (rest, _prefix, spec) => ({
    kind: "replay" as const,
    runDir: requireRest(rest, spec, "run directory"),
  }),
  check: (p) => checkReplayDir(p.runDir),
  price: () => ({ inputPerMTok: 0, outputPerMTok: 0 }),
  cacheable: () => false,
  normalize: (p, cwd) => `replay:${absoluteSpecPath(cwd, p.runDir)}`,
  async create(p) {
    const { ReplayProvider } = await import("../replay-provider.js");
    return new ReplayProvider(p.runDir);
  },
});
