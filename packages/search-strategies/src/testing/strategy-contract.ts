/**
 * The contract every SearchStrategy meets, as a vitest suite (exported from
 * `@vlmopt/search-strategies/testing`, so a third-party strategy can run it):
 * `searchStrategyContract({ name: "mine", create: () => new MyStrategy() })`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  canonicalJson,
  createRng,
  type Dataset,
  JsonlRunStore,
  type LlmRequest,
  optimize,
  type Proposal,
  type RunStore,
  type SearchStrategy,
} from "@vlmopt/core";
import { HashEncoder, ScriptedLlm } from "@vlmopt/core/testing";
import { describe, expect, it } from "vitest";

export interface SearchStrategyContractOptions {
  name: string;
  /** A new strategy (each case gets its own, all made alike). */
  create: () => SearchStrategy;
  /** LLM calls a case allows (a budget, so strategies with many iterations stay quick). Default 4. */
  maxLlmCalls?: number;
}

const classNames = ["annual crop", "forest", "river", "sea lake"];
const dataset: Dataset = {
  name: "contract",
  classNames,
  splits: {
    train: classNames.flatMap((_, c) =>
      [0, 1].map((i) => ({ path: `/virtual/train/${c}-${i}.jpg`, label: c })),
    ),
    val: classNames.map((_, c) => ({ path: `/virtual/val/${c}.jpg`, label: c })),
    test: classNames.map((_, c) => ({ path: `/virtual/test/${c}.jpg`, label: c })),
  },
};

/**
 * Replies with new templates on every call, in the list form every template strategy's prompts ask
 * for; a request in the description protocol (a "Classes:" block of "### <class>" lines, as the
 * per-class prompt-set strategies send) gets two new descriptions per class in that protocol.
 */
const reply = (request: LlmRequest, call: number) => {
  const asked = request.messages.map((m) => m.content).join("\n");
  if (/^Classes:\n### /m.test(asked)) {
    return classNames
      .map((c) => `### ${c}\n- has a texture seen in call ${call}\n- a shape typical of ${c} (${call})`)
      .join("\n");
  }
  return [
    `- a photo of a {}, take ${call}.`,
    `- a satellite view of the {} (${call}).`,
    `text:\nan image of {} ${call}`,
  ].join("\n");
};

/** What a proposal asks, as comparable data (the parse function left out). */
const asked = (p: Proposal | null) =>
  p === null ? null : canonicalJson(p.kind === "templates" ? p : { ...p, parse: undefined });

export function searchStrategyContract(options: SearchStrategyContractOptions): void {
  const maxLlmCalls = options.maxLlmCalls ?? 4;
  const run = (strategy: SearchStrategy, store: RunStore, llm: ScriptedLlm) =>
    optimize({
      strategy,
      llm,
      encoder: new HashEncoder(),
      dataset,
      store,
      seed: 3,
      budget: { maxLlmCalls },
    });

  describe(`SearchStrategy contract: ${options.name}`, () => {
    it("describes itself with scalar parameters", () => {
      const s = options.create();
      expect(s.specificationVersion).toBe("v1");
      expect(s.name.length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(s.params)) {
        expect(key.length).toBeGreaterThan(0);
        expect(value === null || ["string", "number", "boolean"].includes(typeof value)).toBe(true);
      }
      expect(() => canonicalJson(s.params)).not.toThrow();
    });

    it("asks the same first step given the same random numbers", () => {
      const task = { datasetName: dataset.name, classNames };
      const a = options.create().ask({ step: 0, task, history: [], rng: createRng(11) });
      const b = options.create().ask({ step: 0, task, history: [], rng: createRng(11) });
      expect(asked(a)).toBe(asked(b));
    });

    it("parses any reply without throwing", () => {
      const task = { datasetName: dataset.name, classNames };
      const s = options.create();
      for (let step = 0; step < 3; step++) {
        const p = s.ask({ step, task, history: [], rng: createRng(step) });
        if (p?.kind !== "llm") continue;
        for (const texts of [[""], ["no template here"], ["{}{}{}"], ["- a {}.\n".repeat(500)]])
          expect(Array.isArray(p.parse(texts, () => false))).toBe(true);
        return;
      }
    });

    it("runs through optimize() within the budget, and re-plays from its log to the same result", async () => {
      const dir = join(mkdtempSync(join(tmpdir(), "vlmopt-strategy-contract-")), "run");
      const store = new JsonlRunStore(dir);
      const resumed = new JsonlRunStore(dir);
      try {
        const first = await run(
          options.create(),
          store,
          new ScriptedLlm({ replies: [reply], whenExhausted: "repeat-last" }),
        );
        expect(["completed", "budget", "no-usable-template"]).toContain(first.stop.kind);
        expect(first.usage.llmCalls).toBeLessThanOrEqual(maxLlmCalls);
        expect(first.history.length).toBeGreaterThan(0);
        store.close();
        // Re-played: every LLM call of the first run is re-served from the log.
        const noLlm = new ScriptedLlm({ replies: [reply], whenExhausted: "repeat-last" });
        const again = await run(options.create(), resumed, noLlm);
        expect(again.replayedCalls).toBe(first.usage.llmCalls);
        expect(again.history.map((h) => [h.template, h.trainAccuracy])).toEqual(
          first.history.map((h) => [h.template, h.trainAccuracy]),
        );
      } finally {
        store.close();
        resumed.close();
      }
    });
  });
}
