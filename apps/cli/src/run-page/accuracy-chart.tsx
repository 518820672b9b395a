import { scaleLinear } from "d3-scale";
import { pct } from "../format-numbers.js";
import type { ChartView } from "../run-view/run-view.js";
import { ChartFrame } from "./chart-frame.js";

const W = 760;
const H = 380;
const M = { left: 56, right: 16, top: 40, bottom: 44 };
const POOL_W = 120;
const GAP = 22;
const COLORS = { pool: "#868e96", proposal: "#4c8dd6", train: "#d9480f", val: "#1971c2", test: "#2b8a3e" };

/** The y range: every value drawn, padded to tenths. */
function yDomain(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.max(0, Math.floor(Math.min(...values) * 10 - 0.5) / 10);
  let hi = Math.min(1, Math.ceil(Math.max(...values) * 10 + 0.5) / 10);
  if (hi - lo < 0.1) {
    hi = Math.min(1, lo + 0.1);
    lo = Math.max(0, hi - 0.1);
  }
  return [lo, hi];
}

/** "M x,y H x V y ..." of a step line through [x, y] points, extended to `endX`. */
function stepPath(
  points: readonly [number, number][],
  x: (v: number) => number,
  y: (v: number) => number,
  endX: number,
) {
  const f = (n: number) => n.toFixed(1);
  const d: string[] = [];
  // Of several points at one x (the pool, a step's proposals) only the last counts.
  const last = points.filter((p, i) => points[i + 1]?.[0] !== p[0]);
  last.forEach(([px, py], i) => {
    if (i === 0) d.push(`M${f(x(px))},${f(y(py))}`);
    else d.push(`H${f(x(px))}`, `V${f(y(py))}`);
  });
  if (last.length) d.push(`H${f(endX)}`);
  return d.join(" ");
}

/**
 * Best-so-far train and val accuracy against LLM calls, every LLM proposal as a point, the
 * chosen template's test accuracy at the end, and the pool (templates scored without an LLM
 * call) in its own panel on the left, spread out instead of stacked at x = 0. Pure SVG, so it
 * draws the same in report.html (no scripts) and in the UI.
 */
export function AccuracyChart({ chart }: { chart: ChartView }) {
  const values = [
    ...chart.pool.flatMap((p) => [p.train, ...(p.val === null ? [] : [p.val])]),
    ...chart.proposals.map((p) => p.train),
    ...chart.bestVal.map((p) => p[1]),
    ...(chart.test ? [chart.test.accuracy] : []),
  ];
  const y = scaleLinear()
    .domain(yDomain(values))
    .range([H - M.bottom, M.top]);
  const hasPool = chart.pool.length > 0;
  const poolX0 = M.left;
  const mainX0 = hasPool ? M.left + POOL_W + GAP : M.left;
  const mainX1 = W - M.right;
  const maxCalls = Math.max(1, chart.totalCalls);
  const x = scaleLinear().domain([0, maxCalls]).range([mainX0, mainX1]);
  // Points scored before any LLM call sit in the pool panel; the lines start at its right edge.
  const lineX = (calls: number) => (calls === 0 && hasPool ? mainX0 : x(calls));
  // The pool spread out by rank (lowest train accuracy left), not stacked at x = 0.
  const pool = chart.pool.slice().sort((a, b) => a.train - b.train);
  const poolX = (i: number) => poolX0 + ((i + 0.5) / pool.length) * POOL_W;
  const xTicks = x.ticks(Math.min(maxCalls, 10)).filter((t) => Number.isInteger(t));
  const f = (n: number) => n.toFixed(1);
  const legend: [string, string, "dot" | "line" | "dash" | "diamond"][] = [
    ...(hasPool ? [["pool template", COLORS.pool, "dot"] as [string, string, "dot"]] : []),
    ["LLM proposal (train)", COLORS.proposal, "dot"],
    ["best so far, train", COLORS.train, "line"],
    ["its val", COLORS.val, "dash"],
    ["chosen, test", COLORS.test, "diamond"],
  ];
  return (
    <ChartFrame class="accuracy-chart" label="accuracy versus LLM calls" width={W} height={H}>
      {y.ticks(5).map((t) => (
        <g key={`y${t}`}>
          <line x1={M.left} x2={mainX1} y1={f(y(t))} y2={f(y(t))} stroke="#e3e6ea" />
          <text x={M.left - 6} y={f(y(t) + 4)} font-size="11" text-anchor="end" fill="#444">
            {`${Math.round(t * 100)}%`}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <g key={`x${t}`}>
          <line x1={f(x(t))} x2={f(x(t))} y1={H - M.bottom} y2={H - M.bottom + 4} stroke="#444" />
          <text x={f(x(t))} y={H - M.bottom + 16} font-size="11" text-anchor="middle" fill="#444">
            {String(t)}
          </text>
        </g>
      ))}
      <line x1={mainX0} x2={mainX1} y1={H - M.bottom} y2={H - M.bottom} stroke="#444" />
      <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} stroke="#444" />
      <text x={(mainX0 + mainX1) / 2} y={H - 8} font-size="12" text-anchor="middle" fill="#222">
        LLM calls
      </text>
      <text
        x="14"
        y={(M.top + H - M.bottom) / 2}
        font-size="12"
        text-anchor="middle"
        fill="#222"
        transform={`rotate(-90 14 ${(M.top + H - M.bottom) / 2})`}
      >
        accuracy
      </text>
      {hasPool && (
        <g class="pool-panel">
          <rect
            x={poolX0}
            y={M.top}
            width={POOL_W}
            height={H - M.top - M.bottom}
            fill="#f8f9fa"
            stroke="#dde1e5"
          />
          <line x1={poolX0} x2={poolX0 + POOL_W} y1={H - M.bottom} y2={H - M.bottom} stroke="#444" />
          <text x={poolX0 + POOL_W / 2} y={H - M.bottom + 16} font-size="11" text-anchor="middle" fill="#444">
            {`pool (${chart.pool.length}, no LLM call)`}
          </text>
          {pool.map((p, i) => (
            <circle
              key={i}
              class="pool-point"
              cx={f(poolX(i))}
              cy={f(y(p.train))}
              r="3"
              fill={COLORS.pool}
              fill-opacity="0.7"
            >
              <title>{`pool, train ${pct(p.train)}, val ${pct(p.val)}: ${p.label}`}</title>
            </circle>
          ))}
        </g>
      )}
      {chart.proposals.map((p, i) => (
        <circle
          key={i}
          class="candidate proposal"
          cx={f(x(p.calls))}
          cy={f(y(p.train))}
          r="3.5"
          fill={COLORS.proposal}
          fill-opacity="0.75"
        >
          <title>{`step ${p.step}, call ${p.calls}: train ${pct(p.train)}, val ${pct(p.val)}: ${p.label}`}</title>
        </circle>
      ))}
      {chart.bestTrain.length > 0 && (
        <path
          class="best-so-far"
          d={stepPath(
            chart.bestTrain.map(([c, a]) => [c, a]),
            lineX,
            (v) => y(v),
            x(maxCalls),
          )}
          fill="none"
          stroke={COLORS.train}
          stroke-width="2.5"
        />
      )}
      {chart.bestVal.length > 0 && (
        <path
          class="best-so-far-val"
          d={stepPath(chart.bestVal, lineX, (v) => y(v), x(maxCalls))}
          fill="none"
          stroke={COLORS.val}
          stroke-width="2"
          stroke-dasharray="6 4"
        />
      )}
      {chart.test && (
        <g class="test-point">
          <path
            d={`M${f(x(chart.test.calls))},${f(y(chart.test.accuracy) - 7)} l7,7 l-7,7 l-7,-7 z`}
            fill={COLORS.test}
            stroke="#fff"
          />
          <text
            x={f(x(chart.test.calls))}
            y={f(y(chart.test.accuracy) - 11)}
            font-size="11"
            font-weight="600"
            text-anchor="end"
            fill={COLORS.test}
          >
            {`test ${pct(chart.test.accuracy)}`}
          </text>
        </g>
      )}
      <g class="legend">
        {legend.map(([label, color, kind], i) => {
          const lx = M.left + i * 140;
          const ly = 16;
          return (
            <g key={label}>
              {kind === "dot" && <circle cx={lx + 6} cy={ly} r="4" fill={color} />}
              {kind === "line" && (
                <line x1={lx} x2={lx + 16} y1={ly} y2={ly} stroke={color} stroke-width="2.5" />
              )}
              {kind === "dash" && (
                <line
                  x1={lx}
                  x2={lx + 16}
                  y1={ly}
                  y2={ly}
                  stroke={color}
                  stroke-width="2"
                  stroke-dasharray="4 3"
                />
              )}
              {kind === "diamond" && <path d={`M${lx + 6},${ly - 6} l6,6 l-6,6 l-6,-6 z`} fill={color} />}
              <text x={lx + 20} y={ly + 4} font-size="11" fill="#222">
                {label}
              </text>
            </g>
          );
        })}
      </g>
    </ChartFrame>
  );
}
