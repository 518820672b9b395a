import { ConfigError, type LlmRequest } from "@vlmopt/core";
import { ScriptedLlm } from "@vlmopt/core/testing";
import { describe, expect, it } from "vitest";
import { parseClassDescriptions } from "../descriptions/class-descriptions.js";
import { createStrategy, listStrategies } from "../registry.js";
import { runStrategy } from "../testing/run-strategy.js";
import { noiseShape } from "./waffle.js";

/** Answers the section protocol: for each class after "Classes:", `Write/List N` descriptions naming it. */
function describer(request: LlmRequest, call: number): string {
  const text = request.messages[request.messages.length - 1]?.content ?? "";
  const classes = text
    .slice(text.lastIndexOf("Classes:\n") + 9)
    .split("\n")
    .map((l) => /^### (.+)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
  const n = Number(/(?:Write|List) (\d+)/.exec(text)?.[1] ?? 3);
  return classes
    .map((c) =>
      [`### ${c}`, ...Array.from({ length: n }, (_, k) => `- a ${c} with feature ${call}.${k}`)].join("\n"),
    )
    .join("\n");
}
const sim = () => new ScriptedLlm({ replies: [describer], whenExhausted: "repeat-last" });

describe("description strategies end to end (synthetic task, simulated LLM)", () => {
  it("waffle scores seeded random descriptor sets without an LLM, the same for every class", async () => {
    const { result } = await runStrategy("waffle", { sets: 2, descriptors: 4 }, []);
    expect(result.usage.llmCalls).toBe(0);
    expect(result.history).toHaveLength(2);
    const prompts = result.history[0]?.prompts as Record<string, string[]>;
    const [a, b] = result.classNames;
    expect(prompts[a as string]).toHaveLength(8);
    const tail = (t: string) => t.slice(t.indexOf(", which"));
    expect(prompts[a as string]?.map(tail)).toEqual(prompts[b as string]?.map(tail));
    expect(result.chosen?.prompts?.[0]).toBeDefined();
    const again = await runStrategy("waffle", { sets: 2, descriptors: 4 }, []);
    expect(again.result.history.map((h) => h.template)).toEqual(result.history.map((h) => h.template));
  });

  it("dclip batches classes per call and ends with every class described in the which-has form", async () => {
    const { result } = await runStrategy("dclip", { classesPerCall: 2, descriptionsPerClass: 3 }, sim());
    const classes = result.classNames.length;
    expect(result.usage.llmCalls).toBe(Math.ceil(classes / 2));
    const last = result.history[result.history.length - 1]?.prompts as Record<string, string[]>;
    for (const c of result.classNames) {
      expect(last[c]).toHaveLength(3);
      expect(last[c]?.[0]).toMatch(/, which (has|is) /);
    }
    expect(result.stop.kind).toBe("completed");
  });

  it("cupl asks for N sentences per class, classes batched, and keeps the LLM's sentences", async () => {
    const { result } = await runStrategy("cupl", { classesPerCall: 3, descriptionsPerClass: 4 }, sim());
    expect(result.usage.llmCalls).toBe(Math.ceil(result.classNames.length / 3));
    const last = result.history[result.history.length - 1]?.prompts as Record<string, string[]>;
    const name = result.classNames[0] as string;
    expect(last[name]).toHaveLength(4);
    expect(last[name]?.[0]).toContain(name.replace(/_/g, " "));
  });

  it("hill-climb-descriptions rewrites the worst classes of the best set each turn", async () => {
    const { result, llm } = await runStrategy(
      "hill-climb-descriptions",
      { iterations: 3, classesPerTurn: 2 },
      sim(),
    );
    expect(result.usage.llmCalls).toBe(3);
    expect(result.history[0]?.prompts).toBeDefined();
    expect(result.history[0]?.details?.perClass).toHaveLength(result.classNames.length);
    const calls = (llm as ScriptedLlm).calls;
    // Each turn names two classes with their accuracy, and keeps the earlier turns.
    expect(calls[0]?.messages[0]?.content).toMatch(/accuracy \d+\.\d+%/);
    expect(calls[0]?.messages[0]?.content.split("\nClasses:\n")[1]?.split("\n")).toHaveLength(2);
    expect(calls[1]?.messages.length).toBe(3);
    expect(calls[1]?.messages[2]?.content).toMatch(/^Your descriptions gave a set that scores/);
    const best = result.history.reduce((a, b) => (b.trainAccuracy > a.trainAccuracy ? b : a));
    expect(result.chosen?.trainAccuracy).toBe(best.trainAccuracy);
  });
});

describe("registration and parameters", () => {
  it("lists the new strategies with their zod parameters and rejects bad values with one ConfigError", () => {
    const names = listStrategies().map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["waffle", "dclip", "cupl", "hill-climb-descriptions"]));
    const waffle = listStrategies().find((s) => s.name === "waffle");
    expect(waffle?.params.find((p) => p.name === "descriptors")?.default).toBe(15);
    expect(() => createStrategy("waffle", { descriptors: "0" })).toThrow(ConfigError);
    expect(() => createStrategy("cupl", { nope: 1 })).toThrow(/no parameter "nope"/);
  });
});

describe("section protocol", () => {
  it("parses ### sections into descriptions per class, matching names loosely", () => {
    const text =
      "### Annual Crop\n- green rows\n- green rows\n* flat fields\n### unknown\n- x\n## sea lake:\n1. blue water";
    const got = parseClassDescriptions(text, ["AnnualCrop", "Annual_Crop", "SeaLake", "sea_lake"]);
    expect(got.get("Annual_Crop")).toEqual(["green rows", "flat fields"]);
    expect(got.get("sea_lake")).toEqual(["blue water"]);
    expect(got.has("unknown")).toBe(false);
  });

  it("shapes waffle noise like the class names", () => {
    expect(noiseShape(["Annual_Crop", "Forest"])).toEqual({ words: 2, length: 6 });
  });
});
