import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  canonicalJson,
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  sha256Hex,
  throwIfAborted,
  writeFileAtomic,
} from "@vlmopt/core";

export interface ReplyCacheOptions {
  /** Directory of the cache (created when needed). */
  dir: string;
  /**
   * Where the provider sends its requests (its base URL), part of every key so that two servers
   * serving the same model name never share replies. Default: the provider's `baseURL` property
   * when it has one (the HTTP providers do).
   */
  endpoint?: string;
}

/** What a reply depends on besides the request: the provider kind, its endpoint and its model. */
export interface ReplyCacheIdentity {
  /** The provider kind, e.g. "openai", "openai-compatible", "anthropic". */
  provider: string;
  model: string;
  /** The base URL (normalised by the key) or another location the replies come from. */
  endpoint?: string;
}

/**
 * A base URL as one string per server: scheme and host lower-cased, the default port, any
 * user:password, the query's absence and trailing slashes dropped ("HTTP://Host:80/v1/" →
 * "http://host/v1"). A value that is not a URL is kept as given.
 */
export function normalizeEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    return endpoint.trim();
  }
  // WHATWG URL parsing lower-cases the scheme and host and drops the scheme's default port.
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

/** One cached sample. Holds no credentials: the key is a hash of the request, never of a key. */
interface CacheEntry {
  version: 1;
  provider: string;
  /** The normalised endpoint, when known (for a reader of the file; the key already holds it). */
  endpoint?: string;
  model: string;
  sample: number;
  text: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

/**
 * The cache key of one sample: provider kind, normalised endpoint (when known), model, full messages, system prompt, temperature,
 * max tokens, the sample's index (so asking n=3 after n=2 only pays for the third) and, when
 * given, the call's identity (`LlmGenerateOptions.callId`, "seed=<run seed>;seq=<call number>"
 * from the loop). With a call id, the same request sent at another step, as a retry or by a run
 * with another seed is a miss (fresh samples), while a re-run or resumed run — same call ids —
 * is a hit. Without one, identical requests share their replies (the key is the one used before
 * call ids existed). Never derived from an API key (user:password in a URL is dropped).
 */
export function replyCacheKey(
  identity: ReplyCacheIdentity,
  request: LlmRequest,
  sample: number,
  callId?: string,
): string {
  return sha256Hex(
    canonicalJson({
      v: 1,
      provider: identity.provider,
      ...(identity.endpoint !== undefined ? { endpoint: normalizeEndpoint(identity.endpoint) } : {}),
      model: identity.model,
      system: request.system ?? null,
      // Images enter the key by content hash (and label), never by their bytes.
      messages: request.messages.map((m) => ({
        role: m.role,
        content: m.content,
        ...(m.images?.length
          ? { images: m.images.map((i) => ({ sha256: i.sha256, label: i.label ?? null })) }
          : {}),
      })),
      temperature: request.temperature ?? null,
      maxTokens: request.maxTokens ?? null,
      // Only when given, so that keys made before stop sequences existed stay valid.
      ...(request.stopSequences?.length ? { stopSequences: [...request.stopSequences] } : {}),
      sample,
      ...(callId !== undefined ? { callId } : {}),
    }),
  );
}

/** Splits `total` into `parts` whole numbers that add up to it. */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total - base * parts ? 1 : 0));
}

/**
 * Wraps a provider with a disk cache of replies, one JSON file per sample (written atomically),
 * keyed by `replyCacheKey` (which includes `options.callId` when the caller gives one).
 * A call whose samples are all cached costs nothing and reports the recorded usage with
 * `cached: true`; otherwise only the missing samples are requested and the usage is what that
 * call used.
 */
export function withReplyCache(provider: LlmProvider, options: ReplyCacheOptions): LlmProvider {
  const own = (provider as { baseURL?: unknown }).baseURL;
  const endpoint = options.endpoint ?? (typeof own === "string" ? own : undefined);
  const identity: ReplyCacheIdentity = {
    provider: provider.provider,
    model: provider.modelId,
    ...(endpoint !== undefined ? { endpoint } : {}),
  };
  const pathOf = (key: string) => join(options.dir, key.slice(0, 2), `${key}.json`);
  const read = async (key: string): Promise<CacheEntry | null> => {
    try {
      const entry = JSON.parse(await readFile(pathOf(key), "utf8")) as CacheEntry;
      return entry.version === 1 && typeof entry.text === "string" ? entry : null;
    } catch {
      return null; // absent or damaged: ask again
    }
  };
  const write = async (key: string, entry: CacheEntry) => {
    await mkdir(join(options.dir, key.slice(0, 2)), { recursive: true });
    await writeFileAtomic(pathOf(key), `${JSON.stringify(entry)}\n`);
  };

  const generate = async (request: LlmRequest, opts: LlmGenerateOptions = {}): Promise<LlmGenerateResult> => {
    throwIfAborted(opts.signal);
    const n = request.n ?? 1;
    const keys = Array.from({ length: n }, (_, i) => replyCacheKey(identity, request, i, opts.callId));
    const entries = await Promise.all(keys.map(read));
    const missing = entries.flatMap((e, i) => (e ? [] : [i]));
    if (missing.length === 0) {
      const hits = entries as CacheEntry[];
      const costs = hits.map((e) => e.costUsd);
      return {
        texts: hits.map((e) => e.text),
        usage: {
          inputTokens: hits.reduce((s, e) => s + e.inputTokens, 0),
          outputTokens: hits.reduce((s, e) => s + e.outputTokens, 0),
          costUsd: costs.some((c) => c === null) ? null : costs.reduce<number>((s, c) => s + (c ?? 0), 0),
        },
        cached: true,
      };
    }
    const fresh = await provider.generate({ ...request, n: missing.length }, opts);
    const inputs = split(fresh.usage.inputTokens, missing.length);
    const outputs = fresh.texts.map((t) => t.length);
    const totalChars = outputs.reduce((s, x) => s + x, 0) || 1;
    const texts = entries.map((e) => e?.text ?? "");
    await Promise.all(
      missing.map(async (sample, j) => {
        const text = fresh.texts[j] ?? "";
        texts[sample] = text;
        const share = (outputs[j] ?? 0) / totalChars;
        const cost = fresh.usage.costUsd;
        await write(keys[sample] as string, {
          version: 1,
          provider: provider.provider,
          ...(endpoint !== undefined ? { endpoint: normalizeEndpoint(endpoint) } : {}),
          model: provider.modelId,
          sample,
          text,
          inputTokens: inputs[j] ?? 0,
          outputTokens: Math.round(fresh.usage.outputTokens * share),
          costUsd: cost === null ? null : cost / missing.length,
        });
      }),
    );
    return { texts, usage: fresh.usage };
  };

  return {
    specificationVersion: "v1",
    provider: provider.provider,
    modelId: provider.modelId,
    ...(provider.price !== undefined ? { price: provider.price } : {}),
    ...(provider.warning !== undefined ? { warning: provider.warning } : {}),
    ...(provider.acceptsImages ? { acceptsImages: true } : {}),
    ...(provider.imageVendor ? { imageVendor: provider.imageVendor } : {}),
    generate,
  };
}
