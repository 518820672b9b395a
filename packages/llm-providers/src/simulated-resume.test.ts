import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AskContext,
  type Dataset,
  EVENTS_FILE,
  JsonlRunStore,
  type LlmProvider,
  MANIFEST_FILE,
  optimize,
  type Proposal,
  type RunResult,
  type SearchStrategy,
  type StepOutcome,
  topK,
} from "@vlmopt/core";
import { HashEncoder } from "@vlmopt/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { SimulatedProvider } from "./simulated-provider.js";

const dirs: string[] = [];
const tmp = async () => {
  const dir = await mkdtemp(join(tmpdir(), "vlmopt-sim-resume-"));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function dataset(): Dataset {
  const names = ["forest", "river", "highway", "sea lake"];
  const img = (split: string, i: number, label: number) => ({ path: `/virtual/${split}/${i}.jpg`, label });
  return {
    name: "toy",
    classNames: names,
    splits: {
      train: names.flatMap((_, c) => [img("train", 2 * c, c), img("train", 2 * c + 1, c)]),
      val: [],
      test: names.map((_, c) => img("test", c, c)),
    },
  };
}

/**
 * A hill-climb in miniature: score a pool, then show the best templates with their accuracy
 * (the strategies' real format) and ask for better ones; a reply with nothing new is retried.
 */
class TinyHillClimb implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "tiny-hill-climb";
  readonly params = { steps: 6 };
  ask(ctx: AskContext): Proposal | null {
    if (ctx.step === 0)
      return { kind: "templates", templates: ["a photo of a {}.", "a satellite photo of {}."] };
    if (ctx.step > this.params.steps) return null;
    const shown = topK(ctx.history, 3).map((h) => `- ${h.template} (${(h.trainAccuracy * 100).toFixed(2)}%)`);
    return {
      kind: "llm",
      request: {
        messages: [
          {
            role: "user",
            content: `Here are some prompts that work well, with their accuracy:\n${shown.join("\n")}\n\nPlease give me 2 better templates, each on its own line starting with "- ".`,
          },
        ],
        temperature: 1,
        maxTokens: 128,
      },
      parse: (texts, alreadyScored) =>
        texts
          .flatMap((t) => t.split("\n"))
          .map((l) => l.replace(/^- /, "").trim())
          .filter((l) => l.includes("{}") && !alreadyScored(l))
          .slice(0, 2),
      maxAttempts: 3,
    };
  }
  tell(_outcome: StepOutcome): void {}
}

/** Counts the calls that reach the provider. */
function counted(inner: LlmProvider): LlmProvider & { calls: number } {
  const wrapper = {
    specificationVersion: "v1" as const,
    provider: inner.provider,
    modelId: inner.modelId,
    price: inner.price ?? null,
    calls: 0,
    generate: (...args: Parameters<LlmProvider["generate"]>) => {
      wrapper.calls++;
      return inner.generate(...args);
    },
  };
  return wrapper;
}

async function run(dir: string, llm: LlmProvider): Promise<RunResult> {
  const store = new JsonlRunStore(dir);
  try {
    return await optimize({
      strategy: new TinyHillClimb(),
      llm,
      encoder: new HashEncoder({ dim: 16 }),
      dataset: dataset(),
      store,
      seed: 3,
    });
  } finally {
    store.close();
  }
}

const comparable = (r: RunResult) => ({ history: r.history, chosen: r.chosen, stop: r.stop, steps: r.steps });

describe("simulated provider through optimize()", () => {
  it("a run cut after its 3rd LLM reply and resumed with a new instance equals the uninterrupted run", async () => {
    const full = await tmp();
    const first = counted(new SimulatedProvider({ seed: 9 }));
    const reference = await run(full, first);
    expect(reference.stop).toEqual({ kind: "completed" });
    expect(first.calls).toBeGreaterThanOrEqual(6);

    // Keep the log up to and including the 3rd llm-reply event, as if the process was killed there.
    const lines = (await readFile(join(full, EVENTS_FILE), "utf8")).split("\n");
    const replyLines = lines.flatMap((l, i) => (l.includes('"type":"llm-reply"') ? [i] : []));
    const cutAfter = replyLines[2] as number;
    const cut = await tmp();
    await writeFile(join(cut, MANIFEST_FILE), await readFile(join(full, MANIFEST_FILE)));
    await writeFile(join(cut, EVENTS_FILE), `${lines.slice(0, cutAfter + 1).join("\n")}\n`);

    const second = counted(new SimulatedProvider({ seed: 9 }));
    const resumed = await run(cut, second);
    expect(resumed.replayedCalls).toBe(3);
    expect(second.calls).toBe(first.calls - 3);
    expect(comparable(resumed)).toEqual(comparable(reference));
  });
});
