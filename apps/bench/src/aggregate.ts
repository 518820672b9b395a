import { mean, sampleStd } from "./stats.js";
import type { BenchRecord } from "./types.js";

/** One table cell: test accuracy over seeds. */
export interface Cell {
  mean: number;
  /** Sample std over seeds; null with one value. */
  std: number | null;
  n: number;
}

export interface ResultTable {
  /** Column order (datasets). */
  datasets: string[];
  /** Row order (methods) with their labels and kinds. */
  methods: { method: string; label: string; kind: "strategy" | "baseline" }[];
  /** cells[method][dataset]. */
  cells: Record<string, Record<string, Cell>>;
  /** Mean over the datasets a method has a cell for; null when it has none. */
  average: Record<string, { mean: number; datasets: number } | null>;
  /** Mean LLM calls per finished run of a method (over datasets and seeds). */
  meanCalls: Record<string, number>;
}

/**
 * The paper's layout: datasets as columns, methods as rows, each cell the mean test accuracy over
 * seeds with its sample std. Only finished records ("done" with a test accuracy) count.
 * `datasetOrder` and `methodOrder` fix the order; names not in them follow in first-seen order.
 */
export function aggregate(
  records: readonly BenchRecord[],
  datasetOrder: readonly string[] = [],
  methodOrder: readonly string[] = [],
): ResultTable {
  const done = records.filter((r) => r.status === "done" && r.testAccuracy !== null);
  const datasets = orderBy(
    done.map((r) => r.dataset),
    datasetOrder,
  );
  const methodInfo = new Map<string, { method: string; label: string; kind: "strategy" | "baseline" }>();
  for (const r of done)
    if (!methodInfo.has(r.method))
      methodInfo.set(r.method, { method: r.method, label: r.methodLabel, kind: r.kind });
  const methods = orderBy([...methodInfo.keys()], methodOrder).map(
    (m) => methodInfo.get(m) as { method: string; label: string; kind: "strategy" | "baseline" },
  );
  const cells: ResultTable["cells"] = {};
  const average: ResultTable["average"] = {};
  const meanCalls: ResultTable["meanCalls"] = {};
  for (const { method } of methods) {
    const row: Record<string, Cell> = {};
    for (const dataset of datasets) {
      const values = done
        .filter((r) => r.method === method && r.dataset === dataset)
        .map((r) => r.testAccuracy as number);
      if (values.length === 0) continue;
      row[dataset] = { mean: mean(values), std: sampleStd(values), n: values.length };
    }
    cells[method] = row;
    const means = Object.values(row).map((c) => c.mean);
    average[method] = means.length > 0 ? { mean: mean(means), datasets: means.length } : null;
    meanCalls[method] = mean(done.filter((r) => r.method === method).map((r) => r.llmCalls));
  }
  return { datasets, methods, cells, average, meanCalls };
}

function orderBy(names: readonly string[], order: readonly string[]): string[] {
  const unique = [...new Set(names)];
  const known = order.filter((n) => unique.includes(n));
  return [...known, ...unique.filter((n) => !order.includes(n))];
}

/**
 * Mean over runs of the best train accuracy after k LLM calls (carried forward past a run's
 * last call), for k = 0..max calls, per method. The accuracy-vs-calls chart draws these.
 */
export function curvesByMethod(records: readonly BenchRecord[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  const byMethod = new Map<string, BenchRecord[]>();
  for (const r of records) {
    if (r.kind !== "strategy" || r.status !== "done" || r.curve.length === 0) continue;
    byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r]);
  }
  for (const [method, runs] of byMethod) {
    const maxCalls = Math.max(...runs.map((r) => (r.curve[r.curve.length - 1] as [number, number])[0]));
    const points: [number, number][] = [];
    for (let k = 0; k <= maxCalls; k++) {
      const values = runs.map((r) => valueAt(r.curve, k)).filter((v): v is number => v !== null);
      if (values.length > 0) points.push([k, mean(values)]);
    }
    out[method] = points;
  }
  return out;
}

function valueAt(curve: readonly [number, number][], calls: number): number | null {
  let value: number | null = null;
  for (const [c, acc] of curve) {
    if (c > calls) break;
    value = acc;
  }
  return value;
}
