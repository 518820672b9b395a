/** Best-so-far value of a step curve at x: the last point with calls <= x (undefined before it starts). */
export function valueAt(curve: readonly [number, number][], x: number): number | undefined {
  let v: number | undefined;
  for (const [cx, cy] of curve) {
    if (cx > x) break;
    v = cy;
  }
  return v;
}

/** Mean and sample standard deviation over the curves at each x in 0..maxX where all have started. */
export function meanStd(
  curves: readonly (readonly [number, number][])[],
): { x: number; mean: number; std: number }[] {
  const maxX = Math.max(0, ...curves.map((c) => c.at(-1)?.[0] ?? 0));
  const out: { x: number; mean: number; std: number }[] = [];
  for (let x = 0; x <= maxX; x++) {
    const ys = curves.map((c) => valueAt(c, x)).filter((v): v is number => v !== undefined);
    if (ys.length < curves.length || ys.length === 0) continue;
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const std = ys.length > 1 ? Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (ys.length - 1)) : 0;
    out.push({ x, mean, std });
  }
  return out;
}
