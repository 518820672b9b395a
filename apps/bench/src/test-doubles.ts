/**
 * Test doubles for the bench's own tests: a BenchWiring over core's HashEncoder and ScriptedLlm,
 * a toy strategy and tiny on-disk datasets. Not exported from the package.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type AskContext,
  type Dataset,
  DatasetFormatError,
  MemoryEmbeddingCache,
  type ModelPrice,
  type Proposal,
  type SearchStrategy,
  type StepOutcome,
} from "@vlmopt/core";
import { HashEncoder, ScriptedLlm } from "@vlmopt/core/testing";
import type { BenchWiring } from "./wiring.js";

const CLASSES = ["annual crop", "forest", "river", "sea lake"];

/** Writes a tiny dataset (4 classes; 1 train, 1 val, 3 test images each) under root/name. */
export function writeToyDataset(root: string, name: string): void {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const split of ["train", "val", "test"])
    for (let c = 0; c < CLASSES.length; c++)
      for (let i = 0; i < (split === "test" ? 3 : 1); i++)
        writeFileSync(join(dir, `${split}-${c}-${i}.img`), `${name}/${split}/${c}/${i}`);
}

function toyDataset(root: string, name: string, seed: number): Dataset {
  const dir = join(root, name);
  const img = (split: string, c: number, i: number) => ({
    path: join(dir, `${split}-${c}-${i}.img`),
    label: c,
  });
  return {
    name,
    classNames: CLASSES,
    splits: {
      train: CLASSES.map((_, c) => img("train", c, 0)),
      val: CLASSES.map((_, c) => img("val", c, 0)),
      test: CLASSES.flatMap((_, c) => [0, 1, 2].map((i) => img("test", c, i))),
    },
    provenance: { root, shots: 1, seed },
  };
}

/** Scores "a photo of a {}.", then asks the LLM `iterations` times for one new template. */
export class ToyStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "toy";
  readonly params: Record<string, number>;
  constructor(private readonly iterations: number) {
    this.params = { iterations };
  }
  ask(ctx: AskContext): Proposal | null {
    if (ctx.step === 0) return { kind: "templates", templates: ["a photo of a {}."], label: "pool" };
    if (ctx.step > this.iterations) return null;
    return {
      kind: "llm",
      request: { messages: [{ role: "user", content: `template ${ctx.step} please` }], maxTokens: 20 },
      parse: (texts) => texts.filter((t) => t.includes("{}")),
    };
  }
  tell(_outcome: StepOutcome): void {}
}

export interface ToyWiring extends BenchWiring {
  llm: ScriptedLlm;
  encoder: HashEncoder;
}

/** A wiring whose datasets live under the given root; a dataset whose folder is absent fails to load. */
export function toyWiring(
  options: { price?: ModelPrice | null; iterations?: number; modelId?: string } = {},
): ToyWiring {
  const encoder = new HashEncoder({ dim: 16, ...(options.modelId ? { id: options.modelId } : {}) });
  const llm = new ScriptedLlm({
    replies: [(_req, i) => `a photo number ${i} of a {}.`],
    whenExhausted: "repeat-last",
    price: options.price ?? null,
  });
  // "repeat-last" repeats the function, which numbers replies by call index.
  return {
    llm,
    encoder,
    resolveModel: async () => encoder,
    resolveLlm: async () => llm,
    resolveStrategy: async () => new ToyStrategy(options.iterations ?? 3),
    resolveDataset: async (name, { root, seed }) => {
      const { existsSync } = await import("node:fs");
      if (!existsSync(join(root, name)))
        throw new DatasetFormatError(`no folder ${join(root, name)}`, { hint: "download it" });
      return toyDataset(root, name, seed);
    },
    imageCache: async () => new MemoryEmbeddingCache(),
    // The toy files are not images; a test that checks images sets the real check.
    checkImages: async () => {},
    pool: async (name) =>
      name === "basic" ? ["a photo of a {}."] : ["a photo of a {}.", "a picture of a {}."],
  };
}

/** `run` of the smoke suite with the scripted LLM and the hash encoder of the toy wiring. */
export const smokeRunArgv = (root: string): string[] => [
  ...["run", "--suite", "smoke", "--llm", "scripted", "--model", "test:hash", "--data-root", root],
];
