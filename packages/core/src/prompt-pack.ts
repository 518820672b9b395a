import { z } from "zod";
import { ConfigError } from "./errors.js";
import type { ChosenResult } from "./optimize.js";
import { type Candidate, promptSet, validateClassPrompts } from "./prompt-set.js";
import type { RunManifest } from "./run-manifest.js";
import { chosenCandidates } from "./score-details.js";
import { validateTemplate } from "./template.js";

const accuracy = z.number().min(0).max(1).nullable();

/**
 * A prompt pack: the templates or per-class descriptions a run chose, with where they came from
 * and how they scored — what `vlmopt export` writes and `vlmopt eval --prompts` scores. The JSON
 * Schema generated from it is committed as packages/core/prompt-pack.schema.json.
 */
export const PromptPackSchema = z
  .object({
    packVersion: z.literal(1).describe("format version of the pack"),
    createdAt: z.string().describe("when the pack was written (ISO 8601)"),
    dataset: z
      .object({
        name: z.string().describe("dataset name, e.g. eurosat"),
        shots: z.number().int().nullable().describe("few-shot images per class the run optimised on"),
        seed: z.number().int().nullable().describe("few-shot split seed"),
        classNames: z.array(z.string()).min(1).describe("class names in label order"),
      })
      .describe("the data the prompts were chosen on"),
    backbone: z
      .object({
        id: z.string().describe("CLIP model id"),
        hash: z.string().describe("content hash of the model files"),
        warning: z.string().optional().describe("set when the model's outputs mean nothing (random weights)"),
      })
      .describe("the CLIP backbone that scored them"),
    run: z
      .object({
        runId: z.string(),
        seed: z.number().int().describe("the run's strategy seed"),
        strategy: z.string(),
        llm: z.string().describe("provider:model of the LLM"),
      })
      .describe("the run that chose them"),
    ensemble: z.boolean().describe("true when the prompts are used together as one ensemble"),
    prompts: z
      .array(
        z.union([
          z.object({ template: z.string().describe("a template with {} for the class name") }).strict(),
          z
            .object({
              descriptions: z
                .record(z.string(), z.array(z.string()).min(1))
                .describe("class name → its texts (whole prompts); keyed by name, order does not matter"),
            })
            .strict(),
        ]),
      )
      .min(1)
      .describe("the chosen templates or per-class description sets"),
    scores: z
      .object({ train: accuracy, val: accuracy, test: accuracy })
      .describe("accuracies (fractions) of the chosen prompts in the run"),
  })
  .describe("vlmopt prompt pack");

export type PromptPack = z.infer<typeof PromptPackSchema>;

/** The pack of a finished run: its chosen candidates and scores, with dataset, shots, seed and backbone. */
export function promptPackOf(
  manifest: RunManifest,
  chosen: ChosenResult,
  classNames: readonly string[],
): PromptPack {
  return {
    packVersion: 1,
    createdAt: new Date().toISOString(),
    dataset: {
      name: manifest.dataset.name,
      shots: manifest.dataset.shots ?? null,
      seed: manifest.dataset.seed ?? null,
      classNames: [...classNames],
    },
    backbone: { ...manifest.model },
    run: {
      runId: manifest.runId,
      seed: manifest.seed,
      strategy: manifest.strategy.name,
      llm: `${manifest.llm.provider}:${manifest.llm.modelId}`,
    },
    ensemble: chosen.ensemble,
    prompts: chosenCandidates(chosen).map((c) =>
      typeof c === "string"
        ? { template: c }
        : { descriptions: { ...c.prompts } as Record<string, string[]> },
    ),
    scores: { train: chosen.trainAccuracy, val: chosen.valAccuracy, test: chosen.testAccuracy },
  };
}

/**
 * Reads a pack (JSON text) and checks it against the schema and the dataset it will be scored
 * on: every problem (schema, bad template, missing / extra / misspelt class) in one ConfigError
 * naming `where`. Returns the pack and its candidates.
 */
export function readPromptPack(
  text: string,
  where: string,
  classNames: readonly string[],
): { pack: PromptPack; candidates: Candidate[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`prompt pack ${where} is not valid JSON: ${(error as Error).message}`, {
      hint: "write the pack with `vlmopt export <run-dir>`",
    });
  }
  const parsed = PromptPackSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new ConfigError(`prompt pack ${where} does not match the pack schema: ${issues.join("; ")}`, {
      hint: "see packages/core/prompt-pack.schema.json; `vlmopt export <run-dir>` writes valid packs",
    });
  }
  const pack = parsed.data;
  const candidates = pack.prompts.map(
    (p, i): Candidate =>
      "template" in p
        ? validateTemplate(p.template, `${where} prompts[${i}].template`)
        : promptSet(validateClassPrompts(p.descriptions, classNames, `${where} prompts[${i}].descriptions`)),
  );
  return { pack, candidates };
}

/** The pack schema as JSON Schema (what prompt-pack.schema.json holds). */
export function promptPackJsonSchema(): unknown {
  return z.toJSONSchema(PromptPackSchema);
}
