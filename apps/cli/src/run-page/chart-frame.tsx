import type { ComponentChildren } from "preact";

/** An SVG chart's outer frame: scalable, labelled for screen readers, on a white ground. */
export function ChartFrame(props: {
  class: string;
  label: string;
  width: number;
  height: number;
  children: ComponentChildren;
}) {
  const { width: W, height: H } = props;
  return (
    <svg
      class={`chart ${props.class}`}
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
    >
      <rect x="0" y="0" width={W} height={H} fill="#ffffff" />
      {props.children}
    </svg>
  );
}
