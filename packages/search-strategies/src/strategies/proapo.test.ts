import { readFileSync } from "node:fs";
import { fillTemplate, type LlmRequest } from "@vlmopt/core";
import { ScriptedLlm } from "@vlmopt/core/testing";
import { describe, expect, it } from "vitest";
import { getPool } from "../pools.js";
import { listStrategies } from "../registry.js";
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
  it("template stage: scores the library, asks the LLM once for template edits, breeds template sets", async () => {
    const { result, llm } = await runStrategy(
      "proapo",
      { outerEpochs: 0, templateEpochs: 3, llmTemplates: 4 },
      sim(),
    );
    const calls = (llm as ScriptedLlm).calls;
    expect(result.usage.llmCalls).toBe(1);
    expect(calls[0]?.messages[0]?.content).toContain("- a photo of a {}.");
    expect(calls[0]?.messages[0]?.content).toContain("Write 4 new templates");
    const library = [...getPool("imagenet80"), "a photo of a {}."];
    expect(result.history.filter((h) => h.source === "pool").map((h) => h.template)).toEqual(
      expect.arrayContaining(getPool("imagenet80")),
    );
    expect(result.history.filter((h) => h.source === "llm")).toHaveLength(4);
    for (const h of result.history) expect(h.details?.crossEntropy).toBeGreaterThan(0);
    const llmTemplates = result.history.filter((h) => h.source === "llm").map((h) => h.template);
    const sets = result.history.filter((h) => h.source === "evolution");
    expect(sets.length).toBeGreaterThan(20);
    const name = result.classNames[0] as string;
    const known = new Set([...library, ...llmTemplates].map((t) => fillTemplate(t, name)));
    for (const h of sets) {
      const texts = h.prompts?.[name] ?? [];
      expect(texts.length).toBeGreaterThanOrEqual(2);
      for (const t of texts) expect(known.has(t)).toBe(true);
    }
    expect(new Set(sets.map((h) => h.step)).size).toBe(3);
  });

  it("the LLM's templates join the library the sets are bred from", async () => {
    const { result } = await runStrategy(
      "proapo",
      { pool: "basic", outerEpochs: 0, templateEpochs: 2, llmTemplates: 4, worstDecrease: 1 },
      sim(),
    );
    const fromLlm = result.history.filter((h) => h.source === "llm").map((h) => h.template);
    expect(fromLlm).toHaveLength(4);
    const name = result.classNames[0] as string;
    const texts = new Set(fromLlm.map((t) => fillTemplate(t, name)));
    const sets = result.history.filter((h) => h.source === "evolution");
    expect(sets.length).toBeGreaterThan(3);
    expect(sets.every((h) => (h.prompts?.[name] ?? []).some((t) => texts.has(t)))).toBe(true);
  });

  it("description stage: groups confused classes, asks their descriptions once, evolves template × description sets", async () => {
    const { result, llm } = await runStrategy(
      "proapo",
      {
        llmTemplates: 0,
        templateEpochs: 2,
        outerEpochs: 1,
        maxGroups: 2,
        descriptionEpochs: 2,
        descriptionsPerClass: 3,
        classesPerCall: 2,
      },
      sim(),
    );
    const calls = (llm as ScriptedLlm).calls;
    expect(calls.length).toBeGreaterThan(0);
    expect(result.usage.llmCalls).toBe(calls.length);
    const described = new Set<string>();
    for (const call of calls) {
      const content = call.messages[0]?.content ?? "";
      const group = /CLIP often confuses (.+) with one another\./.exec(content)?.[1]?.split(", ") ?? [];
      const asked =
        content
          .split("\nClasses:\n")[1]
          ?.split("\n")
          .map((l) => l.replace(/^### /, "")) ?? [];
      expect(group.length).toBeGreaterThan(1);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.length).toBeLessThanOrEqual(2);
      for (const c of asked) expect(group).toContain(c);
      for (const c of asked) described.add(c);
    }
    const evolved = result.history.filter((h) => h.source === "evolution" && h.step > 3);
    expect(evolved.length).toBeGreaterThan(5);
    const last = evolved[evolved.length - 1]?.prompts as Record<string, string[]>;
    const withDescriptions = result.classNames.filter((c) => last[c]?.some((t) => /with feature/.test(t)));
    expect(withDescriptions.length).toBeGreaterThan(0);
    for (const c of withDescriptions) expect(described).toContain(c.replace(/_/g, " "));
    // Every text is a library template for the class, alone or followed by one description.
    const templates = [...getPool("imagenet80"), "a photo of a {}."];
    for (const c of result.classNames)
      for (const t of last[c] ?? [])
        expect(templates.some((tp) => t.startsWith(fillTemplate(tp, c)))).toBe(true);
  });

  it("stops at the LLM-call budget (replay: the SearchStrategy contract suite)", async () => {
    const { result } = await runStrategy("proapo", { templateEpochs: 1 }, sim(), {
      budget: { maxLlmCalls: 1 },
    });
    expect(result.usage.llmCalls).toBe(1);
    expect(result.stop.kind).toBe("budget");
  });

  it("stops at the evaluation budget (candidates scored), as every strategy", async () => {
    const { result } = await runStrategy("proapo", { llmTemplates: 0 }, sim(), {
      budget: { maxEvaluations: 120 },
    });
    expect(result.stop.kind).toBe("budget");
    expect(result.usage.evaluations).toBeLessThanOrEqual(120);
    expect(result.history.length).toBeLessThanOrEqual(120);
    expect(result.history.some((h) => h.source === "evolution")).toBe(true);
  });
});

describe("proapo parameters", () => {
  it("the README's parameter table is the zod schema's (names, defaults, descriptions)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const params = listStrategies().find((s) => s.name === "proapo")?.params ?? [];
    expect(params.length).toBeGreaterThan(20);
    // Rows as "| `name` | `default` | description |" (cells padded by the formatter).
    const rows = new Map(
      readme
        .split("\n")
        .map((line) => line.split("|").map((cell) => cell.trim()))
        .filter((cells) => cells.length === 5 && /^`\w+`$/.test(cells[1] as string))
        .map((cells) => [(cells[1] as string).slice(1, -1), [cells[2], cells[3]]]),
    );
    for (const p of params)
      expect(rows.get(p.name)).toEqual([`\`${JSON.stringify(p.default)}\``, p.description]);
  });
});
