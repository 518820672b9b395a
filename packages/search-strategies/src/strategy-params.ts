import { ConfigError, type StrategyPlugin } from "@vlmopt/core";
import type { z } from "zod";

/** A parameter value as a listing shows it. */
export type ParamValue = string | number | boolean | null;

/** What zod's wrappers (default, nullable, optional) wrap, and what they say. */
interface Unwrapped {
  inner: z.ZodType;
  defaultValue: unknown;
  nullable: boolean;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let inner = schema;
  let defaultValue: unknown;
  let nullable = false;
  for (;;) {
    const def = inner.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === "default") defaultValue = def.defaultValue;
    else if (def.type === "nullable") nullable = true;
    else if (def.type !== "optional") return { inner, defaultValue, nullable };
    inner = def.innerType as z.ZodType;
  }
}

const BIG = Number.MAX_SAFE_INTEGER;

/** "a whole number from 1 to 50", "\"pn\", \"p\"", "true, false", ... (for errors and listings). */
export function describeValid(schema: z.ZodType): string {
  const { inner, nullable } = unwrap(schema);
  const def = inner.def as { type: string };
  if (def.type === "enum") return (inner as z.ZodEnum).options.map((c) => JSON.stringify(c)).join(", ");
  if (def.type === "boolean") return "true, false";
  if (def.type === "number") {
    const n = inner as z.ZodNumber;
    const kind = n.isInt ? "a whole number" : "a number";
    const min = n.minValue !== null && n.minValue > -BIG ? n.minValue : undefined;
    const max = n.maxValue !== null && n.maxValue < BIG ? n.maxValue : undefined;
    if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
    if (min !== undefined) return `${kind} ≥ ${min}`;
    return kind;
  }
  return nullable ? "a string or null" : "a string";
}

/** A command-line string turned into the type the field wants ("3" → 3, "true" → true); else as is. */
function coerce(schema: z.ZodType, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const type = (unwrap(schema).inner.def as { type: string }).type;
  if (type === "number" && value.trim() !== "") return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

/** One row per parameter: name, default, description (with the valid values of an enum). */
export function paramListing(
  schema: z.ZodObject,
): { name: string; default: ParamValue; description: string }[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const f = field as z.ZodType;
    const { inner, defaultValue } = unwrap(f);
    const description = f.description ?? "";
    const isEnum = (inner.def as { type: string }).type === "enum";
    return {
      name,
      default: (defaultValue ?? null) as ParamValue,
      description: isEnum
        ? `${description} (one of: ${(inner as z.ZodEnum).options.join(", ")})`
        : description,
    };
  });
}

/**
 * Checks raw parameters (from a config file or `--param key=value`, so numbers and booleans may
 * arrive as strings) against a strategy's zod schema and fills in defaults. An unknown name or a
 * bad value throws one ConfigError naming the parameter and its valid values.
 */
export function parseStrategyParams<S extends z.ZodObject>(
  plugin: Pick<StrategyPlugin<S>, "name" | "params">,
  raw: Record<string, unknown> = {},
): z.infer<S> {
  const shape = plugin.params.shape as Record<string, z.ZodType>;
  const names = Object.keys(shape);
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!field) {
      throw new ConfigError(
        `strategy "${plugin.name}" has no parameter "${key}"; valid parameters: ${names.join(", ")}`,
        { hint: "check the spelling, or run the strategies listing to see each strategy's parameters" },
      );
    }
    if (value === undefined) continue;
    const coerced = coerce(field, value);
    if (!field.safeParse(coerced).success) {
      throw new ConfigError(
        `strategy "${plugin.name}" parameter "${key}" is ${JSON.stringify(value) ?? String(value)}; valid values: ${describeValid(field)}`,
        { hint: `${field.description ?? key} (default ${JSON.stringify(unwrap(field).defaultValue)})` },
      );
    }
    input[key] = coerced;
  }
  return plugin.params.parse(input) as z.infer<S>;
}
