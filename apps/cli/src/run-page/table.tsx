import type { ComponentChildren } from "preact";

/** A table of text cells (Preact escapes every cell); `numeric` columns are right-aligned. */
export function Table(props: {
  header: readonly string[];
  rows: readonly (readonly ComponentChildren[])[];
  id?: string;
  numeric?: readonly number[];
}) {
  const numeric = props.numeric ?? [];
  return (
    <table id={props.id}>
      <thead>
        <tr>
          {props.header.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (
              <td key={j} class={numeric.includes(j) ? "num" : undefined}>
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
