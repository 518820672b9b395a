import {
  ConfigError,
  type EmbeddingCache,
  type EmbeddingPrice,
  type LlmRetryInfo,
  type RetryOptions,
  type SpendLedger,
  withRetries,
} from "@vlmopt/core";
import { ApiClipEncoder, type ApiLimits, apiIdentity, type EmbeddingProtocol } from "./api-encoder.js";
import { DryRunEmbeddingEncoder } from "./dry-run-encoder.js";
import { isLoopback } from "./http-json.js";
import { priceOfEmbeddingSpec } from "./prices.js";
import { type EmbeddingApiSpec, parseEmbeddingApiSpec, vendorInfo } from "./spec.js";
import { STAND_IN_HEADER } from "./stand-in-header.js";
import { VENDOR_DESCRIPTIONS } from "./vendor-list.js";

export interface EmbeddingApiOptions {
  /** Environment for keys and `<VENDOR>_BASE_URL` (default process.env). Keys are never stored. */
  env?: Record<string, string | undefined>;
  /** Overrides the vendor's base URL (--model-base-url). */
  baseURL?: string;
  /** A custom fetch (proxies, tests). */
  fetch?: typeof fetch;
  /** Vectors by (provider, model, dimensions, base URL, image content / text). */
  cache?: EmbeddingCache;
  /** The run's USD ledger, shared with the LLM's budget. */
  ledger?: SpendLedger;
  /** Price override (USD per image, per 1M text tokens). */
  price?: EmbeddingPrice;
  /** Per-request timeout in ms. Default 60,000. */
  timeoutMs?: number;
  maxRetries?: number;
  retry?: Omit<RetryOptions, "maxRetries" | "signal" | "onRetry">;
  onRetry?: (info: LlmRetryInfo & { what: string }) => void;
  /** Per-vendor limit overrides (batch sizes, concurrency, image bytes/pixels). */
  limits?: Partial<ApiLimits>;
}

/** Names the variable a spec needs and does not have, before anything is sent. */
export function requiredEnvOf(spec: EmbeddingApiSpec): string[] {
  const v = vendorInfo(spec.vendor);
  return v.keyRequired ? [v.keyVariable] : [];
}

/** A ConfigError naming the missing key variable, or nothing. */
export function checkEmbeddingApiEnv(spec: string, env: Record<string, string | undefined>): void {
  const parsed = parseEmbeddingApiSpec(spec);
  for (const name of requiredEnvOf(parsed)) {
    if (!env[name]) {
      throw new ConfigError(`${name} is not set — --model ${spec} needs it`, {
        hint: `export ${name}=… (the key is read from the environment only and never written anywhere)`,
      });
    }
  }
}

const standInWarning = (origin: string) =>
  `embeddings from a stand-in server at ${origin}, not the real model — accuracy is meaningless`;

/**
 * Creates the ClipEncoder of an embedding API spec (`jina:jina-clip-v2`,
 * `openai-compatible-embed:<model>@<url>`). Checks the key and options before any request.
 */
export async function createEmbeddingApiEncoder(
  spec: string,
  options: EmbeddingApiOptions = {},
): Promise<ApiClipEncoder> {
  const parsed = parseEmbeddingApiSpec(spec);
  const env = options.env ?? process.env;
  checkEmbeddingApiEnv(spec, env);
  const info = vendorInfo(parsed.vendor);
  const endpoint = options.baseURL ?? env[info.baseUrlVariable];
  const vendor = VENDOR_DESCRIPTIONS.find((v) => v.prefix === parsed.vendor);
  if (!vendor) throw new ConfigError(`--model ${spec}: no vendor ${parsed.vendor}`);
  const baseURL =
    endpoint ?? parsed.url ?? info.defaultBaseURL ?? (await vendor.defaultBaseURL?.(env)) ?? null;
  if (!baseURL) throw new ConfigError(`--model ${spec}: no base URL`, { hint: `the form is ${info.form}` });
  const apiKey = env[info.keyVariable];
  const timeoutMs = options.timeoutMs ?? 60_000;
  const made = await vendor.protocol({
    spec,
    model: parsed.model,
    baseURL,
    ...(endpoint ? { endpoint } : {}),
    env,
    ...(apiKey ? { apiKey } : {}),
    dimensions: parsed.dimensions,
    dialect: parsed.dialect,
    timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const protocol: EmbeddingProtocol = made.protocol;
  let warning: string | undefined;
  if (made.dim === undefined) {
    throw new ConfigError(`--model ${spec}: the output size of ${parsed.model} is not known to vlmopt`, {
      hint: made.unknownDimHint ?? `give it: ${spec}?dimensions=N`,
    });
  }
  const dim =
    made.dim === "probe" ? await serverDim(protocol, parsed.dimensions, options.cache, spec) : made.dim;
  // A server on localhost may be real (a self-hosted model, a gateway); vlmopt's stand-ins say what
  // they are in a header of every response, checked with a free GET {base}/models.
  if (isLoopback(baseURL) && (await announcesStandIn(baseURL, options.fetch, timeoutMs))) {
    warning = standInWarning(new URL(baseURL).origin);
  }
  return new ApiClipEncoder(protocol, {
    id: spec.trim(),
    dim,
    dimensions: parsed.dimensions,
    price: options.price ?? priceOfEmbeddingSpec(parsed),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.ledger ? { ledger: options.ledger } : {}),
    ...(warning ? { warning } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
}

/**
 * The output size of a self-hosted server's model: one probe text embedded (free there), kept in
 * the cache so a re-run sends nothing before its first uncached input.
 */
async function serverDim(
  protocol: EmbeddingProtocol,
  dimensions: number | null,
  cache: EmbeddingCache | undefined,
  spec: string,
): Promise<number> {
  const key = `${apiIdentity(protocol, dimensions).keyPrefix}:output-size`;
  const known = await cache?.match(key);
  if (known && known.length === 1 && Number.isInteger(known[0])) return known[0] as number;
  const probe = await withRetries(() => protocol.embedTextBatch(["a photo."], {}), { maxRetries: 2 });
  const dim = probe.vectors[0]?.length;
  if (!dim) throw new ConfigError(`--model ${spec}: the server returned no vector for a probe text`);
  await cache?.put(key, Float32Array.of(dim));
  return dim;
}

async function announcesStandIn(
  baseURL: string,
  f: typeof fetch | undefined,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const doFetch = f ?? fetch;
    const r = await doFetch(`${baseURL.replace(/\/+$/, "")}/models`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await r.arrayBuffer();
    return r.headers.get(STAND_IN_HEADER) === "1";
  } catch {
    return false;
  }
}

/**
 * The one entry the apps call for an embedding-API --model (the old registry's prefix dispatch,
 * until the plugin registry resolves `embeddingApiPlugins`): the real encoder, or with `dryRun`
 * the counting stand-in of `--dry-run` (nothing is sent).
 */
export async function createEmbeddingApiBackbone(
  spec: string,
  options: { api?: EmbeddingApiOptions; dryRun?: boolean } = {},
): Promise<ApiClipEncoder | DryRunEmbeddingEncoder> {
  if (options.dryRun) {
    checkEmbeddingApiEnv(spec, options.api?.env ?? process.env);
    return new DryRunEmbeddingEncoder(
      spec,
      options.api?.price ?? priceOfEmbeddingSpec(parseEmbeddingApiSpec(spec)),
    );
  }
  return createEmbeddingApiEncoder(spec, options.api ?? {});
}
