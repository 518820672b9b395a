import { pct } from "../format-numbers.js";
import type { PromptSetView } from "../run-view/run-view.js";

/** Up to this many classes a chosen prompt set is shown open; larger ones (ImageNet) start closed. */
export const OPEN_UP_TO_CLASSES = 20;

/**
 * A chosen per-class prompt set in full: one collapsible block (closed for large sets, so 1,000
 * classes do not flood the page) with a row per class — its name, the class's train and test
 * accuracy where measured, and its texts. Every text is a text child, so Preact escapes it.
 */
export function PromptSetDetails({ set }: { set: PromptSetView }) {
  const hasTrain = set.classes.some((c) => c.trainAccuracy !== null);
  const hasTest = set.classes.some((c) => c.testAccuracy !== null);
  return (
    <details
      class="prompt-set"
      data-key={set.key}
      open={set.classes.length <= OPEN_UP_TO_CLASSES || undefined}
    >
      <summary>{set.summary}</summary>
      <table class="prompt-set-classes">
        <thead>
          <tr>
            <th>class</th>
            {hasTrain && <th>train</th>}
            {hasTest && <th>test</th>}
            <th>texts</th>
          </tr>
        </thead>
        <tbody>
          {set.classes.map((c) => (
            <tr key={c.name} data-class={c.name}>
              <td>{c.name}</td>
              {hasTrain && <td class="num">{pct(c.trainAccuracy)}</td>}
              {hasTest && <td class="num">{pct(c.testAccuracy)}</td>}
              <td>
                <ul class="texts">
                  {c.texts.map((t, i) => (
                    <li key={i}>{t}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
