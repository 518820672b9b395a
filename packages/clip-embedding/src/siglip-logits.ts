import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ModelLoadError } from "@vlmopt/core";
import { type DownloadOptions, fetchRepoRange } from "./hf-hub-download.js";

/**
 * SigLIP's learned logit scale and bias, read from the original PyTorch checkpoint.
 *
 * transformers' SiglipModel keeps them as top-level weights, `self.logit_scale =
 * nn.Parameter(torch.randn(1))` and `self.logit_bias = nn.Parameter(torch.randn(1))`, so their
 * state-dict (and model.safetensors) names are `logit_scale` / `logit_bias`, shape [1]; the forward
 * pass uses `logits_per_text = text_embeds @ image_embeds.T * self.logit_scale.exp() + self.logit_bias`
 * (https://github.com/huggingface/transformers, src/transformers/models/siglip/modeling_siglip.py).
 * So scale = exp(logit_scale), bias = logit_bias.
 *
 * safetensors layout (https://github.com/huggingface/safetensors/blob/main/README.md, "Format" and
 * "Endianness: Little-endian"; the key is `data_offsets`, https://docs.rs/crate/safetensors/0.3.1/source/):
 * 8 bytes, N, a u64 = header size; N bytes of JSON `{name: {dtype, shape, data_offsets: [BEGIN, END]},
 * "__metadata__"?: {...}}`; then the byte buffer, which BEGIN/END (END one past) count from.
 * We fetch only bytes 0-7, the header, and each tensor's few bytes, with HTTP Range requests.
 */
export interface SiglipLogits {
  logitScale: number;
  logitBias: number;
  /** Where they came from, e.g. "google/siglip-base-patch16-224/model.safetensors@main". */
  source: string;
}

/** huggingface_hub's SAFETENSORS_MAX_HEADER_LENGTH (src/huggingface_hub/constants.py). */
const MAX_HEADER = 25_000_000;

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** One float from 2 or 4 little-endian bytes of a safetensors F32, F16 or BF16 tensor. */
export function decodeScalar(dtype: string, b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dtype === "F32") return v.getFloat32(0, true);
  if (dtype === "F64") return v.getFloat64(0, true);
  if (dtype === "BF16") {
    // bfloat16 is the top 16 bits of an IEEE float32.
    const f = new DataView(new ArrayBuffer(4));
    f.setUint16(2, v.getUint16(0, true), true);
    return f.getFloat32(0, true);
  }
  if (dtype === "F16") {
    const h = v.getUint16(0, true);
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
    if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    return sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  throw new ModelLoadError(`Unsupported safetensors dtype ${dtype} for a SigLIP logit weight`, {
    hint: "Expected F32, F16 or BF16",
  });
}

/** The named scalars of a repo's safetensors file, by Range requests only. */
export async function readSafetensorsScalars(
  repo: string,
  file: string,
  names: readonly string[],
  options: DownloadOptions = {},
): Promise<Record<string, number>> {
  const where = `${repo}/${file}`;
  const lenBytes = await fetchRepoRange(repo, file, 0, 7, options);
  const n = Number(new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true));
  if (n <= 0 || n > MAX_HEADER) {
    throw new ModelLoadError(`${where} is not a safetensors file (header size ${n})`, {
      hint: "Check the repo: its model.safetensors should start with the header size",
    });
  }
  let header: Record<string, TensorEntry>;
  try {
    header = JSON.parse(new TextDecoder().decode(await fetchRepoRange(repo, file, 8, 8 + n - 1, options)));
  } catch (error) {
    if (ModelLoadError.isInstance(error)) throw error;
    throw new ModelLoadError(`${where} has an unreadable safetensors header: ${(error as Error).message}`, {
      hint: "Check the repo's model.safetensors",
      cause: error,
    });
  }
  const out: Record<string, number> = {};
  for (const name of names) {
    const t = header[name];
    if (!t || !Array.isArray(t.data_offsets)) {
      throw new ModelLoadError(`${where} has no tensor "${name}"`, {
        hint: "This checkpoint does not carry the SigLIP logit weights",
      });
    }
    const [begin, end] = t.data_offsets;
    if ((t.shape ?? []).reduce((a, d) => a * d, 1) !== 1 || end <= begin || end - begin > 8) {
      throw new ModelLoadError(`${where}'s "${name}" is not a scalar (shape [${t.shape}])`, {
        hint: "Expected a one-element tensor",
      });
    }
    out[name] = decodeScalar(
      t.dtype,
      await fetchRepoRange(repo, file, 8 + n + begin, 8 + n + end - 1, options),
    );
  }
  return out;
}

/**
 * exp(logit_scale) and logit_bias of `checkpointRepo`'s model.safetensors, cached as JSON at
 * `cacheFile` (so later and offline loads need no network). Offline and not cached: undefined.
 * Failures (no such tensor, HTTP errors, no network) also give undefined and call `onError`, so a
 * load never fails for them (accuracies do not need them).
 */
export async function siglipLogitsFromCheckpoint(
  checkpointRepo: string,
  cacheFile: string,
  options: DownloadOptions & { onError?: (error: unknown) => void } = {},
): Promise<SiglipLogits | undefined> {
  const revision = options.revision ?? "main";
  const source = `${checkpointRepo}/model.safetensors@${revision}`;
  if (existsSync(cacheFile)) {
    try {
      const c = JSON.parse(await readFile(cacheFile, "utf8")) as Partial<SiglipLogits>;
      if (c.source === source && Number.isFinite(c.logitScale) && Number.isFinite(c.logitBias))
        return c as SiglipLogits;
    } catch {
      // unreadable cache: fetch again
    }
  }
  try {
    const raw = await readSafetensorsScalars(
      checkpointRepo,
      "model.safetensors",
      ["logit_scale", "logit_bias"],
      {
        ...options,
        revision,
      },
    );
    const got: SiglipLogits = {
      logitScale: Math.exp(raw.logit_scale as number),
      logitBias: raw.logit_bias as number,
      source,
    };
    await mkdir(dirname(cacheFile), { recursive: true });
    await writeFile(`${cacheFile}.tmp`, JSON.stringify(got));
    await rename(`${cacheFile}.tmp`, cacheFile);
    return got;
  } catch (error) {
    options.onError?.(error);
    return undefined;
  }
}
