import type { Rng } from "@vlmopt/core";

/** Visual attributes the simulated provider combines into descriptions (it knows nothing of the classes). */
const ATTRIBUTES = [
  "green",
  "grey",
  "brown",
  "blue",
  "striped",
  "round",
  "flat",
  "rough",
  "smooth",
  "bright",
  "dark",
  "small",
  "large",
];
const PARTS = [
  "patches",
  "edges",
  "texture",
  "shapes",
  "lines",
  "shadows",
  "surface",
  "pattern",
  "outline",
  "spots",
];

/**
 * The classes a description request asks for: the "### <name>" lines after its "Classes:" line
 * (the section protocol of @vlmopt/search-strategies' description strategies), or null when the
 * text is not such a request.
 */
export function requestedClasses(text: string): string[] | null {
  const at = text.lastIndexOf("\nClasses:\n");
  if (at < 0 || !/one section per class/.test(text)) return null;
  const names = text
    .slice(at + "\nClasses:\n".length)
    .split(/\r?\n/)
    .map((l) => /^###\s+(.+)$/.exec(l.trim())?.[1]?.trim())
    .filter((n): n is string => typeof n === "string" && n.length > 0);
  return names.length > 0 ? names : null;
}

/** How many descriptions per class the request asks for ("Write 5 ...", "List 3 ..."), default 3. */
export function requestedCount(text: string): number {
  const m = /\b(?:Write|List)\s+(\d{1,3})\b/.exec(text);
  return m ? Math.max(1, Math.min(50, Number(m[1]))) : 3;
}

/**
 * A deterministic answer in the section protocol: for each class, `count` descriptions drawn from
 * a fixed attribute vocabulary (naming the class when the request says descriptions must name it).
 * Not an LLM: the descriptions carry no knowledge of the classes.
 */
export function simulatedDescriptions(text: string, classes: readonly string[], rng: Rng): string {
  const count = requestedCount(text);
  const nameIt = /must name the class/.test(text);
  return classes
    .map((name) => {
      const lines = new Set<string>();
      for (let tries = 0; lines.size < count && tries < count * 20; tries++) {
        const a = ATTRIBUTES[rng.int(ATTRIBUTES.length)] as string;
        const b = PARTS[rng.int(PARTS.length)] as string;
        lines.add(nameIt ? `a ${name} with ${a} ${b}.` : `${a} ${b}`);
      }
      return [`### ${name}`, ...[...lines].map((l) => `- ${l}`)].join("\n");
    })
    .join("\n\n");
}
