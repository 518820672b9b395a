/** Same-origin JSON reads (the token, when the server has one, travels as its cookie). */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!res.ok) {
    const body = await res.text();
    let message = body;
    try {
      message = (JSON.parse(body) as { error?: string }).error ?? body;
    } catch {}
    throw new Error(`${res.status}: ${message}`);
  }
  return (await res.json()) as T;
}

/** The page's route: "#/run?id=a" → { page: "run", params }. */
export function parseHash(hash: string): { page: string; params: URLSearchParams } {
  const [path, query] = hash.replace(/^#\/?/, "").split("?");
  return { page: path || "runs", params: new URLSearchParams(query ?? "") };
}

export const hrefOf = (page: string, params: Record<string, string> = {}) => {
  const q = new URLSearchParams(params).toString();
  return `#/${page}${q ? `?${q}` : ""}`;
};
