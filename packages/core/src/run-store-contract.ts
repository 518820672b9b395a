/**
 * The contract every RunStore meets, as a vitest suite (exported from `@vlmopt/core/testing`, so a
 * third-party store can run it): `runStoreContract({ name: "jsonl", create: () => new JsonlRunStore(dir()) })`.
 */
import { describe, expect, it } from "vitest";
import type { Dataset } from "./dataset.js";
import { optimize } from "./optimize.js";
import type { RunEvent } from "./run-events.js";
import type { RunManifest } from "./run-manifest.js";
import type { RunStore } from "./run-store.js";
import type { SearchStrategy } from "./search-strategy.js";
import { HashEncoder, ScriptedLlm } from "./testing-doubles.js";

export interface RunStoreContractOptions {
  name: string;
  /** A new, empty store (each case gets its own). */
  create: () => RunStore | Promise<RunStore>;
  /**
   * Another store on the same location, as a later process would open it (for stores that
   * persist); the contract then checks that everything written is read back from there.
   */
  reopen?: (store: RunStore) => RunStore | Promise<RunStore>;
  /** Called with every store a case made (close files, connections). */
  dispose?: (store: RunStore) => void | Promise<void>;
}

const manifest: RunManifest = {
  manifestVersion: 1,
  runId: "contract",
  createdAt: "2026-01-01T00:00:00.000Z",
  versions: { core: "0" },
  model: { id: "test:hash", hash: "h" },
  llm: { provider: "scripted", modelId: "script" },
  dataset: { name: "toy", counts: { train: 2, val: 0, test: 2 } },
  strategy: { name: "pool", params: { k: 1 } },
  budget: {},
  seed: 1,
};

const events: RunEvent[] = [
  { type: "run-start", time: "t0", resumed: false },
  { type: "step-start", time: "t1", step: 0, label: "pool" },
  {
    type: "candidate-scored",
    time: "t2",
    step: 0,
    candidate: {
      id: 0,
      template: "a “{}” 🙂",
      trainAccuracy: 0.5,
      valAccuracy: null,
      step: 0,
      source: "pool",
    },
  },
  { type: "step-end", time: "t3", step: 0, failed: false, bestTrainAccuracy: 0.5 },
];

/** A two-step strategy: a pool, then one LLM call. */
class TwoSteps implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "two-steps";
  readonly params = {};
  ask({ step }: { step: number }) {
    if (step === 0) return { kind: "templates" as const, templates: ["a photo of a {}.", "{}"] };
    if (step === 1)
      return {
        kind: "llm" as const,
        request: { messages: [{ role: "user" as const, content: "more" }] },
        parse: (texts: readonly string[]) => texts.flatMap((t) => t.split("\n")),
      };
    return null;
  }
  tell(): void {}
}

const dataset: Dataset = {
  name: "toy",
  classNames: ["cat", "dog"],
  splits: {
    train: [0, 1, 0, 1].map((label, i) => ({ path: `/virtual/train/${i}.jpg`, label })),
    val: [],
    test: [0, 1].map((label, i) => ({ path: `/virtual/test/${i}.jpg`, label })),
  },
};

export function runStoreContract(options: RunStoreContractOptions): void {
  describe(`RunStore contract: ${options.name}`, () => {
    const made: RunStore[] = [];
    const track = async <T extends RunStore>(s: T | Promise<T>): Promise<T> => {
      const store = await s;
      made.push(store);
      return store;
    };
    const fresh = () => track(options.create());
    /** The store to read back from: a reopened one when the store persists. */
    const readBack = async (store: RunStore) => (options.reopen ? track(options.reopen(store)) : store);
    const disposeAll = async () => {
      for (const s of made.splice(0)) await options.dispose?.(s);
    };

    it("describes itself and starts empty", async () => {
      const store = await fresh();
      try {
        expect(store.specificationVersion).toBe("v1");
        expect(store.location.length).toBeGreaterThan(0);
        expect(await store.readManifest()).toBeNull();
        expect((await store.readLog()).events).toEqual([]);
        expect(await store.readJson("results")).toBeNull();
      } finally {
        await disposeAll();
      }
    });

    it("reads back the manifest, the events in order and named JSON documents", async () => {
      const store = await fresh();
      try {
        await store.writeManifest(manifest);
        for (const e of events) await store.append(e);
        await store.writeJson("results", { a: 1 });
        await store.writeJson("results", { a: 2, nested: { list: [1, "x", null] } });
        await store.writeJson("other", [1]);
        const again = await readBack(store);
        expect(await again.readManifest()).toEqual(manifest);
        const log = await again.readLog();
        expect(log.events).toEqual(events);
        expect(log.tornTail).toBeUndefined();
        expect(await again.readJson("results")).toEqual({ a: 2, nested: { list: [1, "x", null] } });
        expect(await again.readJson("other")).toEqual([1]);
        expect(await again.readJson("missing")).toBeNull();
      } finally {
        await disposeAll();
      }
    });

    it("carries a run that optimize() resumes without repeating an LLM call", async () => {
      const store = await fresh();
      try {
        const run = async (s: RunStore, llm: ScriptedLlm) =>
          optimize({ strategy: new TwoSteps(), llm, encoder: new HashEncoder(), dataset, store: s, seed: 4 });
        const first = await run(store, new ScriptedLlm({ replies: ["a drawing of a {}.\na {} outdoors."] }));
        expect(first.stop).toEqual({ kind: "completed" });
        const noLlm = new ScriptedLlm({ replies: [] });
        const second = await run(await readBack(store), noLlm);
        expect(noLlm.calls).toHaveLength(0);
        expect(second.replayedCalls).toBe(1);
        expect(second.history).toEqual(first.history);
        expect(second.chosen).toEqual(first.chosen);
      } finally {
        await disposeAll();
      }
    });
  });
}
