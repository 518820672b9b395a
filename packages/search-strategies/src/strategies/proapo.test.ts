import type { LlmRequest } from "@vlmopt/core";
import { ScriptedLlm } from "@vlmopt/core/testing";
import { describe, expect, it } from "vitest";
import { runStrategy } from "../testing/run-strategy.js";

/** Template requests get "- " lines of templates; description requests the section protocol. */
function replier(request: LlmRequest, call: number): string {
  const text = request.messages[request.messages.length - 1]?.content ?? "";
  if (!text.includes("\nClasses:\n")) {
    return Array.from({ length: 8 }, (_, k) => `- a photo ${call}.${k} of the {}.`).join("\n");
  }
  const classes = text
    .slice(text.lastIndexOf("Classes:\n") + 9)
    .split("\n")
    .map((l) => /^### (.+)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
  const n = Number(/Write (\d+)/.exec(text)?.[1] ?? 3);
  return classes
    .map((c) =>
      [`### ${c}`, ...Array.from({ length: n }, (_, k) => `- a ${c} with feature ${call}.${k}.`)].join("\n"),
    )
    .join("\n");
}
const sim = () => new ScriptedLlm({ replies: [replier], whenExhausted: "repeat-last" });

describe("proapo end to end (synthetic task, scripted LLM)", () => {
  it("runs both stages", async () => {
    const { result, llm } = await runStrategy(
      "proapo",
      { templateEpochs: 3, descriptionEpochs: 2, descriptionsPerClass: 4, outerEpochs: 1 },
      sim(),
    );
    const calls = (llm as ScriptedLlm).calls;
    console.log(
      result.stop,
      result.usage.llmCalls,
      result.history.length,
      calls.length,
      result.chosen?.templates,
    );
    console.log(
      result.history.slice(-3).map((h) => [h.template, h.trainAccuracy, h.details?.crossEntropy, h.source]),
    );
    expect(result.history.length).toBeGreaterThan(0);
  });
});
