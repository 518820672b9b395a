import { scaleLinear } from "d3-scale";
import { pct } from "../format-numbers.js";
import { ChartFrame } from "./chart-frame.js";

/** Horizontal bars: test accuracy per class, in label order (a class with no test image shows "—"). */
export function ClassBars({ classes }: { classes: readonly { name: string; accuracy: number | null }[] }) {
  const row = 18;
  const left = 200;
  const W = 760;
  const H = 28 + row * classes.length;
  const x = scaleLinear()
    .domain([0, 1])
    .range([left, W - 60]);
  return (
    <ChartFrame class="class-bars" label="per-class test accuracy" width={W} height={H}>
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1="8" y2={H - 16} stroke="#e3e6ea" />
          <text x={x(t)} y={H - 4} font-size="10" text-anchor="middle" fill="#444">
            {`${t * 100}%`}
          </text>
        </g>
      ))}
      {classes.map((c, i) => {
        const top = 8 + i * row;
        return (
          <g key={i}>
            <text x={left - 6} y={top + 12} font-size="11" text-anchor="end" fill="#222">
              {c.name.length > 32 ? `${c.name.slice(0, 31)}…` : c.name}
            </text>
            {c.accuracy !== null && (
              <rect
                class="bar"
                x={left}
                y={top + 2}
                width={Math.max(1, x(c.accuracy) - left)}
                height={row - 5}
                fill="#4c8dd6"
              >
                <title>{`${c.name}: ${pct(c.accuracy)}`}</title>
              </rect>
            )}
            <text
              x={c.accuracy === null ? left + 4 : x(c.accuracy) + 4}
              y={top + 12}
              font-size="10"
              fill="#444"
            >
              {pct(c.accuracy)}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
