/**
 * A registry of test doubles (core's HashEncoder, an in-memory feature cache, a two-class dataset
 * of small files, a scripted strategy) for the CLI's in-process tests. Not exported.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ConfigError,
  type Dataset,
  type LabeledImage,
  MemoryEmbeddingCache,
  type Proposal,
  type SearchStrategy,
} from "@vlmopt/core";
import { HashEncoder, ScriptedLlm } from "@vlmopt/core/testing";
import { createRegistry, type Registry } from "@vlmopt/registry";

/** Writes a tiny dataset (2 classes; train 4, val 2, test 6 "images") under root/toy. */
export function writeToyDataset(root: string): void {
  const dir = join(root, "toy");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 12; i++) writeFileSync(join(dir, `img${i}.bin`), `image ${i}`);
}

function toyDataset(root: string): Dataset {
  const img = (i: number): LabeledImage => ({ path: join(root, "toy", `img${i}.bin`), label: i % 2 });
  return {
    name: "toy",
    classNames: ["cat", "dog"],
    splits: { train: [0, 1, 2, 3].map(img), val: [4, 5].map(img), test: [6, 7, 8, 9, 10, 11].map(img) },
    provenance: { root, shots: 2, seed: 1 },
  };
}

/** Pool first, then `iterations` LLM steps that ask for templates one per line. */
export function toyStrategy(iterations: number): SearchStrategy {
  return {
    specificationVersion: "v1",
    name: "toy",
    params: { iterations },
    ask(ctx): Proposal | null {
      if (ctx.step === 0)
        return { kind: "templates", templates: ["a photo of a {}.", "a picture of a {}."], label: "pool" };
      if (ctx.step > iterations) return null;
      return {
        kind: "llm",
        request: {
          messages: [
            { role: "user", content: `step ${ctx.step}: ${ctx.history.map((h) => h.template).join(" | ")}` },
          ],
        },
        parse: (texts) => texts.flatMap((t) => t.split("\n")).filter((l) => l.includes("{}")),
      };
    },
    tell() {},
  };
}

export function fakeRegistry(overrides: Partial<Registry> = {}): Registry & { llmCalls: () => number } {
  let llm: ScriptedLlm | null = null;
  const registry = createRegistry({
    overrides: {
      async resolveModel(spec) {
        if (spec !== "test:hash" && spec !== "random:tiny")
          throw new ConfigError(`unknown model ${spec}`, { hint: "use test:hash" });
        const e = new HashEncoder({ id: spec });
        return Object.assign(e, {
          warning: spec === "random:tiny" ? "random weights — accuracy is meaningless" : e.warning,
        });
      },
      async checkLlm(spec, env) {
        if (spec.startsWith("anthropic:") && !env.ANTHROPIC_API_KEY)
          throw new ConfigError("ANTHROPIC_API_KEY is not set — set it, or use --llm simulated");
      },
      async resolveLlm() {
        llm = new ScriptedLlm({
          replies: [(req, i) => `a ${i} photo of {}.\na blurry ${req.messages.length} photo of a {}.`],
          whenExhausted: "repeat-last",
        });
        return llm;
      },
      async resolveStrategy(name, params) {
        if (name !== "toy") throw new ConfigError(`unknown strategy ${name}`, { hint: "use toy" });
        return toyStrategy(Number(params.iterations ?? 3));
      },
      async resolveDataset(name, options) {
        if (name !== "toy") throw new ConfigError(`unknown dataset ${name}`);
        return toyDataset(options.root);
      },
      async listDatasets() {
        return [{ name: "toy", description: "two classes" }];
      },
      async listStrategies() {
        return [{ name: "toy", description: "pool, then one LLM step per iteration" }];
      },
      listLlms() {
        return [
          { name: "scripted", description: "core's ScriptedLlm", prefix: "scripted" },
          ...createRegistry().listLlms(),
        ];
      },
      async imageCache() {
        return new MemoryEmbeddingCache();
      },
      // The toy dataset's files are not images (HashEncoder reads any bytes); tests of the image
      // check pass the real one.
      async checkImages() {},
      ...overrides,
    },
  });
  return Object.assign(registry, { llmCalls: () => llm?.calls.length ?? 0 });
}
