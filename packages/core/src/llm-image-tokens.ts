import type { LlmImage } from "./llm-provider.js";

/** The vendors whose image token rules are known. */
export type ImageVendor = "anthropic" | "openai" | "gemini";

/**
 * Input tokens one image costs at `vendor`, from its size as sent:
 * - Anthropic (https://docs.anthropic.com/en/docs/build-with-claude/vision): ≈ width·height/750;
 * - OpenAI with `detail: "low"` (https://platform.openai.com/docs/guides/images-vision): 85;
 * - Gemini (https://ai.google.dev/gemini-api/docs/image-understanding): 258 when both sides are
 *   ≤ 384 px, else 258 per 768×768 tile.
 */
export function imageTokens(image: Pick<LlmImage, "width" | "height">, vendor: ImageVendor): number {
  if (vendor === "openai") return 85;
  if (vendor === "anthropic") return Math.ceil((image.width * image.height) / 750);
  if (image.width <= 384 && image.height <= 384) return 258;
  return Math.ceil(image.width / 768) * Math.ceil(image.height / 768) * 258;
}

/** The most any known vendor charges for the image: what a budget must assume. */
export function imageTokenBound(image: Pick<LlmImage, "width" | "height">): number {
  return Math.max(
    imageTokens(image, "anthropic"),
    imageTokens(image, "openai"),
    imageTokens(image, "gemini"),
  );
}
