import { ConfigError } from "./errors.js";
import type { LlmImage, LlmProvider, LlmRequest } from "./llm-provider.js";
import type { Replay } from "./phase-replay.js";
import type { RunStore } from "./run-store.js";
import type { SearchStrategy, ShownImage } from "./search-strategy.js";

const now = () => new Date().toISOString();

/** Encodes a training image for the provider (downscaled within its vendor's limits), with its caption. */
export type LoadLlmImage = (path: string, label: string) => Promise<LlmImage>;

export interface ImageContext {
  store: RunStore;
  replay: Replay;
  /** Paths of the train split: the only images that may be shown. */
  trainPaths?: ReadonlySet<string>;
  loadImage?: LoadLlmImage;
}

/** One ConfigError, before any call, when the strategy shows images and the provider takes text only. */
export function checkImageSupport(
  strategy: SearchStrategy,
  llm: LlmProvider,
  loadImage?: LoadLlmImage,
): void {
  const k = strategy.imagesPerCall ?? 0;
  if (k <= 0) return;
  if (!llm.acceptsImages) {
    throw new ConfigError(
      `strategy "${strategy.name}" shows ${k} training image${k === 1 ? "" : "s"} per call (showImages), but ${llm.provider}:${llm.modelId} takes text only`,
      {
        hint: "drop --param showImages, or use a provider that accepts images (anthropic:, openai:, azure-openai:, google:)",
      },
    );
  }
  if (!loadImage) {
    throw new ConfigError(
      `strategy "${strategy.name}" shows images, but the loop was given no image loader`,
      {
        hint: "pass OptimizeOptions.loadImage (the CLI does)",
      },
    );
  }
}

/**
 * The request of call `seq` with the proposal's training images attached to its last message:
 * the images a resumed run's log recorded for `seq`, else `images`, which must all be in the train
 * split. Logs "llm-images" for a call not logged before. Without images the request is returned as is.
 */
export async function withImages(
  ctx: ImageContext,
  step: number,
  seq: number,
  request: LlmRequest,
  images: readonly ShownImage[] | undefined,
): Promise<LlmRequest> {
  const recorded = ctx.replay.imagesOf(seq);
  const shown = recorded ?? images ?? [];
  if (shown.length === 0) return request;
  for (const image of shown) {
    if (!ctx.trainPaths?.has(image.path)) {
      throw new ConfigError(
        `only training images may be shown to the LLM, but ${image.path} is not in the train split`,
        {
          hint: "a strategy's images must come from AskContext.trainImages",
        },
      );
    }
  }
  const load = ctx.loadImage;
  if (!load) throw new ConfigError("the strategy shows images, but the loop was given no image loader");
  const encoded: LlmImage[] = [];
  for (const image of shown) encoded.push(await load(image.path, image.label));
  if (!recorded) {
    await ctx.store.append({
      type: "llm-images",
      time: now(),
      step,
      seq,
      images: shown.map((s, i) => ({
        path: s.path,
        label: s.label,
        sha256: (encoded[i] as LlmImage).sha256,
      })),
    });
  }
  const messages = request.messages.slice();
  const last = messages.length - 1;
  const message = messages[last];
  if (!message) return request;
  messages[last] = { ...message, images: [...(message.images ?? []), ...encoded] };
  return { ...request, messages };
}

/** The request as the run log records it: image bytes left out (their sha256 stays). */
export function loggedRequest(request: LlmRequest): LlmRequest {
  if (!request.messages.some((m) => m.images?.length)) return request;
  return {
    ...request,
    messages: request.messages.map((m) =>
      m.images?.length ? { ...m, images: m.images.map((image) => ({ ...image, data: "" })) } : m,
    ),
  };
}
