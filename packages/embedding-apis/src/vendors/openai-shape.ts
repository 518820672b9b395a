import { badShape } from "../http-json.js";

/**
 * The vectors of an OpenAI-style embeddings response, `{ data: [{ index, embedding }], usage }`,
 * in input order (sorted by `index`), and the billed tokens (`usage.total_tokens`) when present.
 * Jina, vLLM and Infinity answer in this shape (see their adapters for the documentation).
 */
export function openAiStyleVectors(
  body: unknown,
  who: string,
  provider: string,
): { vectors: number[][]; tokens?: number } {
  const b = body as { data?: unknown; usage?: { total_tokens?: unknown } } | null;
  if (!b || !Array.isArray(b.data)) throw badShape(who, provider, "no `data` array");
  const rows = b.data as { index?: unknown; embedding?: unknown }[];
  const sorted = rows.every((r) => typeof r?.index === "number")
    ? [...rows].sort((x, y) => (x.index as number) - (y.index as number))
    : rows;
  const vectors = sorted.map((r, i) => {
    if (!r || !Array.isArray(r.embedding))
      throw badShape(who, provider, `data[${i}].embedding is not an array of numbers`);
    return r.embedding as number[];
  });
  const tokens = b.usage?.total_tokens;
  return typeof tokens === "number" ? { vectors, tokens } : { vectors };
}
