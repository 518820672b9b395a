import { ConfigError } from "@vlmopt/core";

/** The environment variable that names the shared store when no `--store` flag is given. */
export const STORE_ENV = "VLMOPT_STORE";

/** True for a `postgres://` or `postgresql://` connection string. */
export function isPostgresUrl(value: string | undefined): value is string {
  return value !== undefined && /^postgres(ql)?:\/\//i.test(value.trim());
}

/**
 * A connection string with its password replaced by `***`, for every log line, manifest and report.
 * Also masks `password=` query parameters; a string that is not a URL is masked after its scheme.
 */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|token/i.test(key)) u.searchParams.set(key, "***");
    }
    return u.toString();
  } catch {
    return url.replace(/^([a-z]+:\/\/)[\s\S]*$/i, "$1***");
  }
}

/** Masks every password of every connection string in a piece of text (error messages, stack traces). */
export function maskUrlsIn(text: string, urls: readonly string[]): string {
  let out = text;
  for (const url of urls) {
    out = out.split(url).join(maskUrl(url));
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password.length >= 3) out = out.split(password).join("***");
    } catch {
      // not a URL: nothing more to mask
    }
  }
  return out;
}

/**
 * The store URL from a flag or the environment (the only two sources: never a file). `null` when
 * neither is set; an error naming the source when it is set but not a PostgreSQL URL.
 */
export function storeUrlFrom(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  flagName = "--store",
): string | null {
  const [value, source] = flag !== undefined ? [flag, flagName] : [env[STORE_ENV], STORE_ENV];
  if (value === undefined || value.trim() === "") return null;
  if (!isPostgresUrl(value)) {
    throw new ConfigError(`${source} is "${maskUrl(value)}"; it must be a postgres:// connection string`, {
      hint: "e.g. postgres://user:password@host:5432/vlmopt (the password is never printed)",
    });
  }
  return value.trim();
}
