import { ConfigError } from "@vlmopt/core";

/** The key from explicit config or the environment; a ConfigError naming the variable if neither. */
export function resolveApiKey(
  explicit: string | undefined,
  variable: string,
  env: Record<string, string | undefined>,
  spec: string,
): string {
  const key = explicit ?? env[variable];
  if (key === undefined || key.trim() === "") {
    throw new ConfigError(`${variable} is not set — set it, or use --llm simulated`, {
      hint: `export ${variable}=… before running with --llm ${spec}`,
    });
  }
  return key.trim();
}
