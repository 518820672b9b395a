import { scaleLinear } from "d3-scale";
import { ChartFrame } from "../run-page/chart-frame.js";
import { meanStd, valueAt } from "./stats.js";

export interface CurveSeries {
  id: string;
  label: string;
  /** Runs with the same group (dataset and strategy, different seeds) also get a mean ± std band. */
  group: string;
  curve: [number, number][];
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
const W = 760;
const H = 360;
const M = { left: 56, right: 200, top: 16, bottom: 40 };

/** Best-so-far train accuracy of several runs overlaid, with mean ± std over seeds per group. */
export function CurvesChart({ series }: { series: readonly CurveSeries[] }) {
  const groups = new Map<string, CurveSeries[]>();
  for (const s of series) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const bands = [...groups]
    .filter(([, g]) => g.length > 1)
    .map(([group, g]) => ({ group, stats: meanStd(g.map((s) => s.curve)) }));
  const maxX = Math.max(1, ...series.map((s) => s.curve.at(-1)?.[0] ?? 0));
  const ys = [
    ...series.flatMap((s) => s.curve.map((p) => p[1])),
    ...bands.flatMap((b) => b.stats.flatMap((p) => [p.mean - p.std, p.mean + p.std])),
  ];
  const lo = Math.max(0, Math.floor((ys.length ? Math.min(...ys) : 0) * 10) / 10);
  const hi = Math.min(1, Math.ceil((ys.length ? Math.max(...ys) : 1) * 10) / 10);
  const x = scaleLinear()
    .domain([0, maxX])
    .range([M.left, W - M.right]);
  const y = scaleLinear()
    .domain([lo, hi > lo ? hi : lo + 0.1])
    .range([H - M.bottom, M.top]);
  const f = (n: number) => n.toFixed(1);
  const stepD = (curve: readonly [number, number][]) => {
    const pts: string[] = [];
    for (let cx = curve[0]?.[0] ?? 0; cx <= maxX; cx++) {
      const v = valueAt(curve, cx);
      if (v !== undefined) pts.push(`${pts.length ? "L" : "M"}${f(x(cx))},${f(y(v))}`);
    }
    return pts.join(" ");
  };
  const groupColor = new Map([...groups.keys()].map((g, i) => [g, COLORS[i % COLORS.length] as string]));
  return (
    <ChartFrame class="curves-chart" label="best train accuracy versus LLM calls" width={W} height={H}>
      {y.ticks(5).map((t) => (
        <g key={`y${t}`}>
          <line x1={M.left} x2={W - M.right} y1={f(y(t))} y2={f(y(t))} stroke="#e3e6ea" />
          <text
            x={M.left - 6}
            y={f(y(t) + 4)}
            font-size="11"
            text-anchor="end"
            fill="#444"
          >{`${Math.round(t * 100)}%`}</text>
        </g>
      ))}
      {x
        .ticks(Math.min(maxX, 10))
        .filter(Number.isInteger)
        .map((t) => (
          <text
            key={`x${t}`}
            x={f(x(t))}
            y={H - M.bottom + 16}
            font-size="11"
            text-anchor="middle"
            fill="#444"
          >
            {String(t)}
          </text>
        ))}
      <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} stroke="#444" />
      <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} stroke="#444" />
      <text x={(M.left + W - M.right) / 2} y={H - 6} font-size="12" text-anchor="middle">
        LLM calls
      </text>
      {bands.map((b) => {
        const top = b.stats.map(
          (p, i) => `${i ? "L" : "M"}${f(x(p.x))},${f(y(Math.min(1, p.mean + p.std)))}`,
        );
        const bottom = [...b.stats]
          .reverse()
          .map((p) => `L${f(x(p.x))},${f(y(Math.max(0, p.mean - p.std)))}`);
        const color = groupColor.get(b.group);
        return (
          <g key={`band-${b.group}`}>
            <path
              class="band"
              d={`${top.join(" ")} ${bottom.join(" ")} Z`}
              fill={color}
              fill-opacity="0.15"
              stroke="none"
            >
              <title>{`${b.group}: mean ± std over ${groups.get(b.group)?.length} seeds`}</title>
            </path>
            <path
              class="mean"
              d={b.stats.map((p, i) => `${i ? "L" : "M"}${f(x(p.x))},${f(y(p.mean))}`).join(" ")}
              fill="none"
              stroke={color}
              stroke-width="3"
            />
          </g>
        );
      })}
      {series.map((s) => (
        <path
          key={s.id}
          class="curve"
          d={stepD(s.curve)}
          fill="none"
          stroke={groupColor.get(s.group)}
          stroke-width="1.5"
          stroke-opacity="0.8"
        >
          <title>{s.label}</title>
        </path>
      ))}
      {[...groups.keys()].map((g, i) => (
        <g key={`legend-${g}`}>
          <rect x={W - M.right + 12} y={M.top + i * 18} width="12" height="12" fill={groupColor.get(g)} />
          <text x={W - M.right + 30} y={M.top + 10 + i * 18} font-size="11">
            {`${g.length > 26 ? `${g.slice(0, 25)}…` : g} (${groups.get(g)?.length})`}
          </text>
        </g>
      ))}
    </ChartFrame>
  );
}
