import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Dataset } from "./dataset.js";
import { createEmbeddings } from "./embeddings.js";
import { sha256Hex } from "./hashing.js";
import { JsonlRunStore } from "./jsonl-run-store.js";
import { optimize } from "./optimize.js";
import { type Candidate, type ClassPrompts, promptSet, promptSetKey } from "./prompt-set.js";
import { chosenCandidates, meanCrossEntropy } from "./score-details.js";
import type { AskContext, Proposal, SearchStrategy, StepOutcome } from "./search-strategy.js";
import { HashEncoder, ScriptedLlm } from "./testing.js";

const names = ["annual crop", "forest", "river", "sea lake"];

function dataset(): Dataset {
  const img = (split: string, i: number, label: number) => ({ path: `/virtual/${split}/${i}.jpg`, label });
  return {
    name: "toy",
    classNames: names,
    splits: {
      train: names.flatMap((_, c) => [img("train", c * 2, c), img("train", c * 2 + 1, c)]),
      val: names.map((_, c) => img("val", c, c)),
      test: names.flatMap((_, c) => [0, 1, 2].map((i) => img("test", c * 3 + i, c))),
    },
  };
}

/** Images lean toward dimension `label` (mod 4); a text containing "#k" points at dimension k. */
function encoder(): HashEncoder {
  const labelOf = new Map<string, number>();
  const ds = dataset();
  for (const x of [...ds.splits.train, ...ds.splits.val, ...ds.splits.test]) labelOf.set(x.path, x.label);
  return new HashEncoder({
    dim: 8,
    imageVector: (image) => {
      if (typeof image !== "string") return undefined;
      const label = labelOf.get(image) ?? 0;
      const noise = sha256Hex(image);
      return Float32Array.from({ length: 8 }, (_, j) => {
        const n = Number.parseInt(noise.slice(2 * j, 2 * j + 2), 16) / 255 - 0.5;
        return n * 0.5 + (j % 4 === label ? 1 : 0);
      });
    },
    textVector: (text) => {
      const m = /#(\d)/.exec(text);
      if (!m) return undefined;
      return Float32Array.from({ length: 8 }, (_, j) => (j === Number(m[1]) ? 1 : 0.1));
    },
  });
}

const described = (shift: number): ClassPrompts =>
  Object.fromEntries(names.map((n, c) => [n, [`${n}, which has #${(c + shift) % 4}`, `a photo of ${n}`]]));

class SetStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "sets";
  readonly params = {};
  readonly wantsScoreDetails = true;
  told: StepOutcome[] = [];
  constructor(private readonly candidates: readonly Candidate[]) {}
  ask(ctx: AskContext): Proposal | null {
    return ctx.step === 0 ? { kind: "templates", templates: this.candidates, source: "pool" } : null;
  }
  tell(outcome: StepOutcome): void {
    this.told.push(outcome);
  }
}

const good = promptSet(described(0));
const bad = promptSet(described(1));
const misspelt = promptSet({ ...described(0), "sea lak": ["x"] });

async function run(dir: string, candidates: readonly Candidate[], ensembleTopK = 1) {
  const enc = encoder();
  const strategy = new SetStrategy(candidates);
  const result = await optimize({
    strategy,
    llm: new ScriptedLlm({ replies: [] }),
    encoder: enc,
    dataset: dataset(),
    store: new JsonlRunStore(dir),
    ensembleTopK,
  });
  return { result, enc, strategy };
}

describe("optimize with per-class prompt sets", () => {
  it("scores templates and prompt sets side by side, logs the texts, and chooses a set", async () => {
    const { result, strategy } = await run(mkdtempSync(join(tmpdir(), "vlmopt-sets-")), [
      "a photo of a {}.",
      good,
      bad,
      misspelt,
      promptSet(described(0)),
    ]);
    expect(result.history.map((h) => h.template)).toEqual([
      "a photo of a {}.",
      promptSetKey(good),
      promptSetKey(bad),
    ]);
    expect(result.history[1]?.prompts).toEqual(described(0));
    expect(result.history[0]?.prompts).toBeUndefined();
    expect(result.history[1]?.trainAccuracy).toBe(1);
    expect(result.history[2]?.trainAccuracy).toBe(0);
    expect(result.chosen?.templates).toEqual([promptSetKey(good)]);
    expect(result.chosen?.prompts).toEqual([described(0)]);
    expect(result.chosen?.testAccuracy).toBe(1);
    expect(chosenCandidates(result.chosen as NonNullable<typeof result.chosen>)).toEqual([good]);
    // The strategy asked for details: per-class accuracy and confusions for each candidate.
    const details = strategy.told[0]?.scored[2]?.details;
    expect(details?.perClass).toEqual([0, 0, 0, 0]);
    expect(details?.confused[0]).toMatchObject({ count: 2, share: 1 });
    expect(details?.crossEntropy).toBeGreaterThan(strategy.told[0]?.scored[1]?.details?.crossEntropy ?? 0);
  });

  it("resumes a run of prompt sets from its log without re-embedding any text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-sets-"));
    const first = await run(dir, ["a photo of a {}.", good, bad]);
    const again = await run(dir, ["a photo of a {}.", good, bad]);
    expect(again.result.history).toEqual(first.result.history);
    expect(again.result.chosen).toEqual(first.result.chosen);
    // Only the chosen set and the baseline are embedded again at the end (no candidate re-scored).
    expect(again.enc.textsEncoded).toBeLessThan(first.enc.textsEncoded);
  });

  it("ensembles a template with a prompt set (each a member)", async () => {
    const { result } = await run(mkdtempSync(join(tmpdir(), "vlmopt-sets-")), ["a photo of a {}.", good], 2);
    expect(result.chosen?.ensemble).toBe(true);
    expect(result.chosen?.prompts).toEqual([described(0), null]);
  });
});

describe("meanCrossEntropy", () => {
  it("matches a hand-computed softmax cross-entropy", () => {
    const images = createEmbeddings(2, 2, Float32Array.from([1, 0, 0, 1]));
    const classes = createEmbeddings(2, 2, Float32Array.from([1, 0, 0.6, 0.8]));
    const labels = Int32Array.from([0, 0]);
    // image 0: logits (1, 0.6)·s; image 1: (0, 0.8)·s; label 0 both.
    const s = 2;
    const ce = (a: number, b: number) => Math.log(Math.exp(a) + Math.exp(b)) - a;
    const want = (ce(1 * s, 0.6 * s) + ce(0, 0.8 * s)) / 2;
    expect(meanCrossEntropy({ features: images, labels }, classes, s)).toBeCloseTo(want, 6);
  });
});
