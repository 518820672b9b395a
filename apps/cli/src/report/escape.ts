const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** Escapes a table cell for Markdown (pipes and newlines). */
export function escapeMd(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * A Markdown code span of `text`: shown literally, so a text holding HTML (an LLM's reply) is
 * never rendered as markup. The fence is one backtick longer than the longest run inside
 * (CommonMark, https://spec.commonmark.org/0.31.2/#code-spans).
 */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text.replace(/\r?\n/g, " ")}${pad}${fence}`;
}
