import { ConfigError } from "@vlmopt/core";

export type ParamValue = string | number | boolean | null;

/** One parameter of a strategy: its default, what it means and which values are valid. */
export interface ParamSpec {
  name: string;
  default: ParamValue;
  description: string;
  type: "int" | "number" | "string" | "boolean";
  min?: number;
  max?: number;
  /** Valid values of a string parameter. */
  choices?: readonly string[];
}

export type ResolvedParams = Record<string, ParamValue>;

function fail(strategy: string, spec: ParamSpec, value: unknown, valid: string): never {
  throw new ConfigError(
    `strategy "${strategy}" parameter "${spec.name}" is ${JSON.stringify(value) ?? String(value)}; valid values: ${valid}`,
    { hint: `${spec.description} (default ${JSON.stringify(spec.default)})` },
  );
}

function coerce(strategy: string, spec: ParamSpec, value: unknown): ParamValue {
  if (value === null) {
    if (spec.default === null) return null;
    fail(strategy, spec, value, describeValid(spec));
  }
  switch (spec.type) {
    case "int":
    case "number": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isFinite(n)) fail(strategy, spec, value, describeValid(spec));
      if (spec.type === "int" && !Number.isInteger(n)) fail(strategy, spec, value, describeValid(spec));
      if (spec.min !== undefined && n < spec.min) fail(strategy, spec, value, describeValid(spec));
      if (spec.max !== undefined && n > spec.max) fail(strategy, spec, value, describeValid(spec));
      return n;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      if (value === "true") return true;
      if (value === "false") return false;
      return fail(strategy, spec, value, "true, false");
    }
    case "string": {
      if (typeof value !== "string") fail(strategy, spec, value, describeValid(spec));
      if (spec.choices && !spec.choices.includes(value)) fail(strategy, spec, value, describeValid(spec));
      return value;
    }
  }
}

function describeValid(spec: ParamSpec): string {
  if (spec.choices) return spec.choices.map((c) => JSON.stringify(c)).join(", ");
  if (spec.type === "int" || spec.type === "number") {
    const kind = spec.type === "int" ? "a whole number" : "a number";
    if (spec.min !== undefined && spec.max !== undefined) return `${kind} from ${spec.min} to ${spec.max}`;
    if (spec.min !== undefined) return `${kind} ≥ ${spec.min}`;
    return kind;
  }
  return spec.default === null ? "a string or null" : "a string";
}

/**
 * Checks raw parameters (from a config file or `--param key=value`, so numbers and booleans may
 * arrive as strings) against the specs and fills in defaults. Unknown names and bad values throw a
 * ConfigError naming the parameter and its valid values.
 */
export function resolveParams(
  strategy: string,
  specs: readonly ParamSpec[],
  raw: Record<string, unknown> = {},
): ResolvedParams {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const key of Object.keys(raw)) {
    if (!byName.has(key)) {
      throw new ConfigError(
        `strategy "${strategy}" has no parameter "${key}"; valid parameters: ${specs.map((s) => s.name).join(", ")}`,
        { hint: "check the spelling, or run the strategies listing to see each strategy's parameters" },
      );
    }
  }
  const out: ResolvedParams = {};
  for (const spec of specs) {
    const value = raw[spec.name];
    out[spec.name] = value === undefined ? spec.default : coerce(strategy, spec, value);
  }
  return out;
}

/** Typed getters for resolved parameters (the specs guarantee the types). */
export const num = (p: ResolvedParams, name: string): number => p[name] as number;
export const str = (p: ResolvedParams, name: string): string => p[name] as string;
export const strOrNull = (p: ResolvedParams, name: string): string | null => p[name] as string | null;

/** Parameters shared by several strategies, with their usual defaults. */
export const COMMON = {
  iterations: (d = 10): ParamSpec => ({
    name: "iterations",
    default: d,
    type: "int",
    min: 0,
    description: "LLM steps after the initial pool (each step is one LLM call, plus retries)",
  }),
  k: (d = 3): ParamSpec => ({
    name: "k",
    default: d,
    type: "int",
    min: 1,
    description: "templates shown from the top (and bottom) of the scored history",
  }),
  templatesPerCall: (d = 1): ParamSpec => ({
    name: "templatesPerCall",
    default: d,
    type: "int",
    min: 1,
    max: 50,
    description: "templates asked for (and at most accepted) per reply",
  }),
  temperature: (d = 1): ParamSpec => ({
    name: "temperature",
    default: d,
    type: "number",
    min: 0,
    max: 2,
    description: "LLM sampling temperature",
  }),
  maxTokens: (d = 512): ParamSpec => ({
    name: "maxTokens",
    default: d,
    type: "int",
    min: 1,
    description: "maximum output tokens per reply",
  }),
  maxAttempts: (d = 3): ParamSpec => ({
    name: "maxAttempts",
    default: d,
    type: "int",
    min: 1,
    max: 50,
    description:
      "LLM calls per step until a reply yields a new template; then the step is recorded as failed",
  }),
  pool: (d = "captions"): ParamSpec => ({
    name: "pool",
    default: d,
    type: "string",
    description:
      'initial pool scored first: basic, imagenet80, hand-engineered, coop, captions, laion-coco[:seed] (sampled from the hub by the CLI --pool), none, or "official:<key>" (read from ../shared at runtime)',
  }),
  poolSize: (): ParamSpec => ({
    name: "poolSize",
    default: null,
    type: "int",
    min: 1,
    description: "score a random sample of this many pool templates (null: the whole pool, in order)",
  }),
  poolPath: (): ParamSpec => ({
    name: "poolPath",
    default: null,
    type: "string",
    description:
      'path of official_code_initial_pools.json for "official:<key>" pools (default: found in ../shared)',
  }),
  n: (d = 1): ParamSpec => ({
    name: "n",
    default: d,
    type: "int",
    min: 1,
    max: 16,
    description: "independent samples per LLM call (LlmRequest.n)",
  }),
};
