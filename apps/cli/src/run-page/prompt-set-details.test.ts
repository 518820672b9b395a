import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import type { PromptSetView } from "../run-view/run-view.js";
import { OPEN_UP_TO_CLASSES, PromptSetDetails } from "./prompt-set-details.js";

function setOf(classes: number, accuracies: boolean): PromptSetView {
  return {
    key: "descriptions#0123456789ab",
    summary: `prompt set: ${classes} classes`,
    classes: Array.from({ length: classes }, (_, i) => ({
      name: `class ${i}`,
      texts: [`a class ${i}, which has <b>${i}</b> legs.`, `a class ${i}, which is ${i}.`],
      trainAccuracy: accuracies ? i / classes : null,
      testAccuracy: accuracies ? 1 - i / classes : null,
    })),
  };
}

describe("PromptSetDetails", () => {
  it("starts open up to 20 classes and closed above (ImageNet's 1,000 do not flood the page)", () => {
    const small = renderToString(h(PromptSetDetails, { set: setOf(OPEN_UP_TO_CLASSES, true) }));
    const large = renderToString(h(PromptSetDetails, { set: setOf(1000, true) }));
    expect(small).toMatch(/^<details class="prompt-set" data-key="[^"]+" open>/);
    expect(large).toMatch(/^<details class="prompt-set" data-key="[^"]+">/);
    // Closed, but every class is there to open.
    expect(large.match(/<tr data-class=/g)).toHaveLength(1000);
  });

  it("one row per class: name, train and test accuracy, each text escaped in its own item", () => {
    const html = renderToString(h(PromptSetDetails, { set: setOf(2, true) }));
    expect(html).toContain(
      '<tr data-class="class 1"><td>class 1</td><td class="num">50.0%</td><td class="num">50.0%</td>' +
        '<td><ul class="texts"><li>a class 1, which has &lt;b>1&lt;/b> legs.</li><li>a class 1, which is 1.</li></ul></td></tr>',
    );
  });

  it("leaves out the accuracy columns when nothing was measured", () => {
    const html = renderToString(h(PromptSetDetails, { set: setOf(2, false) }));
    expect(html).toContain("<tr><th>class</th><th>texts</th></tr>");
    expect(html).not.toContain('class="num"');
  });
});
