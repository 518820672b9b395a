import { RANDOM_WEIGHTS_WARNING } from "@vlmopt/core";

/**
 * Why a model's accuracies mean nothing, or null when they are real measurements. A model is
 * meaningless when its encoder says so (`warning`), or its id/spec names random weights or a tiny
 * test model. The returned text always contains RANDOM_WEIGHTS_WARNING.
 */
export function meaninglessReason(model: { id: string; spec?: string; warning?: string }): string | null {
  const names = [model.id, model.spec ?? ""].map((s) => s.toLowerCase());
  const random = names.some((n) => n.startsWith("random:") || n.startsWith("random-") || /\btiny\b/.test(n));
  if (!random && !model.warning) return null;
  const detail =
    model.warning && !model.warning.includes(RANDOM_WEIGHTS_WARNING) ? ` (${model.warning})` : "";
  return `${RANDOM_WEIGHTS_WARNING}${detail}`;
}

/** The banner every output of a meaningless-model suite starts with. */
export function meaninglessBanner(reason: string): string {
  return `WARNING: ${reason}. This suite checks the pipeline only; its accuracies are not results.`;
}

const BACKBONES: readonly (readonly [string, RegExp])[] = [
  ["rn50", /(^|[^a-z0-9])(clip[-_ ]?)?(rn|resnet)[-_ ]?50([^0-9x]|$)/i],
  ["rn101", /(^|[^a-z0-9])(clip[-_ ]?)?(rn|resnet)[-_ ]?101([^0-9]|$)/i],
  ["vit-b32", /vit[-_ ]?(b|base-patch)[-_ /]?32([^0-9]|$)/i],
  ["vit-b16", /vit[-_ ]?(b|base-patch)[-_ /]?16([^0-9]|$)/i],
  ["vit-l14", /vit[-_ ]?(l|large-patch)[-_ /]?14([^0-9]|$)/i],
];

/** The CLIP backbone a model id, spec or label names ("rn50", "vit-b32", …), or null. */
export function backboneOf(...names: readonly string[]): string | null {
  for (const [key, pattern] of BACKBONES) if (names.some((n) => pattern.test(n))) return key;
  return null;
}

/** True when a model id or spec names CLIP ResNet-50, the paper's backbone. */
export function isPaperBackbone(...names: readonly string[]): boolean {
  return backboneOf(...names) === "rn50";
}
