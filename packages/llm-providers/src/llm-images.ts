/**
 * Images for multimodal optimizer LLMs: encoding and downscaling within each vendor's documented
 * limits, a request's image tokens (the per-image rule is core's `imageTokens`), and the refusal
 * of text-only providers.
 *
 * - Anthropic (https://docs.anthropic.com/en/docs/build-with-claude/vision): images whose long
 *   edge exceeds 1568 px are downscaled by the API; an image costs about width·height/750 tokens.
 * - OpenAI (https://platform.openai.com/docs/guides/images-vision): `detail: "low"` sees a
 *   512×512 version for a flat 85 tokens; sent as a base64 data URL in an `image_url` part.
 * - Gemini (https://ai.google.dev/gemini-api/docs/image-understanding): an image with both sides
 *   ≤ 384 px is 258 tokens; larger ones are cut into 768×768 tiles of 258 tokens each.
 * sharp is imported on first use.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  ConfigError,
  type ImageVendor,
  imageTokens,
  type LlmImage,
  type LlmRequest,
  type LoadLlmImage,
  requestHasImages,
} from "@vlmopt/core";

export { type ImageVendor, imageTokens } from "@vlmopt/core";

/** Longest side an image is sent with, per vendor (so the vendor never rescales it). */
export const IMAGE_MAX_EDGE: Readonly<Record<ImageVendor, number>> = {
  anthropic: 1568,
  openai: 512,
  gemini: 384,
};

/** Image tokens of a whole request. */
export function requestImageTokens(request: LlmRequest, vendor: ImageVendor): number {
  return request.messages.reduce(
    (s, m) => s + (m.images ?? []).reduce((t, image) => t + imageTokens(image, vendor), 0),
    0,
  );
}

/**
 * Encodes `bytes` (any format sharp reads) as PNG, downscaled to fit `maxEdge` (never enlarged),
 * with its sha256 and an optional label.
 */
export async function encodeLlmImage(bytes: Uint8Array, maxEdge: number, label?: string): Promise<LlmImage> {
  const { default: sharp } = await import("sharp");
  const { data, info } = await sharp(bytes)
    .resize({ width: maxEdge, height: maxEdge, fit: "inside", withoutEnlargement: true })
    .png()
    .toBuffer({ resolveWithObject: true });
  return {
    mediaType: "image/png",
    data: data.toString("base64"),
    sha256: createHash("sha256").update(data).digest("hex"),
    width: info.width,
    height: info.height,
    ...(label !== undefined ? { label } : {}),
  };
}

/** Reads an image file and encodes it within `vendor`'s limits: core's `OptimizeOptions.loadImage`. */
export function llmImageLoader(vendor: ImageVendor): LoadLlmImage {
  return async (path, label) => encodeLlmImage(await readFile(path), IMAGE_MAX_EDGE[vendor], label);
}

/** Throws a ConfigError when a text-only provider is asked to look at images. */
export function refuseImages(request: LlmRequest, who: string): void {
  if (!requestHasImages(request)) return;
  throw new ConfigError(`${who} takes text only and cannot be shown images`, {
    hint: "drop --param showImages, or use a provider that accepts images (anthropic:, openai:, google:)",
  });
}
