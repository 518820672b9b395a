import { z } from "zod";
import { ConfigError } from "./errors.js";
import type { RunManifest } from "./run-manifest.js";

const param = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const count = z.number().int().min(0);

/**
 * The schema of a run's manifest.json as it is read back (resume, report, transfer, the UI):
 * every field RunManifest declares, checked; fields a later version adds are kept (loose
 * objects), so an older vlmopt still reads a newer manifest's known fields.
 * zod 4 object variants: https://zod.dev/api#objects ("z.looseObject").
 */
export const runManifestSchema = z.looseObject({
  manifestVersion: z.literal(1),
  runId: z.string().min(1),
  createdAt: z.string().min(1),
  versions: z.record(z.string(), z.string()),
  model: z.looseObject({ id: z.string(), hash: z.string(), warning: z.string().optional() }),
  llm: z.looseObject({ provider: z.string(), modelId: z.string(), warning: z.string().optional() }),
  dataset: z.looseObject({
    name: z.string(),
    shots: count.optional(),
    shotsRequested: count.optional(),
    seed: z.number().int().optional(),
    root: z.string().optional(),
    splitHash: z.string().optional(),
    counts: z.record(z.string(), count),
  }),
  strategy: z.looseObject({ name: z.string().min(1), params: z.record(z.string(), param) }),
  budget: z.object({
    maxLlmCalls: count.optional(),
    maxTokens: count.optional(),
    maxUsd: z.number().min(0).optional(),
    maxEvaluations: count.optional(),
  }),
  seed: z.number().int(),
  options: z.record(z.string(), z.unknown()).optional(),
});

// What the schema gives is a RunManifest (a compile-time check that they agree).
const _isRunManifest = (m: z.infer<typeof runManifestSchema>): RunManifest => m;
void _isRunManifest;

/**
 * A manifest read back from `where` (a file or a store row), checked against runManifestSchema;
 * a bad one is one ConfigError naming where, the field and what is wrong.
 */
export function parseRunManifest(value: unknown, where: string): RunManifest {
  const parsed = runManifestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const field = issue.path.map(String).join(".") || "(top level)";
  throw new ConfigError(`${where}: field "${field}" is invalid: ${issue.message}`, {
    hint: "this is not a manifest written by vlmopt (or it was edited); restore it or start a new run",
  });
}
