/** What every spec-owning entry may declare: prefixes ("wds"), exact names ("demo"), or a test. */
export interface SpecOwner {
  readonly prefixes?: readonly string[];
  readonly names?: readonly string[];
  matches?(spec: string): boolean;
}

/** The entry that owns a spec, with the prefix it matched (null for a name or `matches`) and the rest. */
export interface SpecMatch<E> {
  plugin: E;
  prefix: string | null;
  rest: string;
}

/**
 * The first entry whose prefix (`<prefix>:<rest>`) or name is the spec's, else the first whose
 * `matches(spec)` is true (so that a folder-detecting entry never takes a prefixed spec); null
 * when none owns it.
 */
export function matchSpec<E extends SpecOwner>(plugins: readonly E[], spec: string): SpecMatch<E> | null {
  const colon = spec.indexOf(":");
  const prefix = colon > 0 ? spec.slice(0, colon) : null;
  for (const plugin of plugins) {
    if (prefix !== null && plugin.prefixes?.includes(prefix)) {
      return { plugin, prefix, rest: spec.slice(colon + 1) };
    }
    if (plugin.names?.includes(spec)) return { plugin, prefix: null, rest: spec };
  }
  for (const plugin of plugins) {
    if (plugin.matches?.(spec)) return { plugin, prefix: null, rest: spec };
  }
  return null;
}
