import { describe, expect, it } from "vitest";
import { BudgetTracker } from "./budget.js";
import { ConfigError } from "./errors.js";
import type { LlmImage, LlmProvider } from "./llm-provider.js";
import { MemoryRunStore } from "./memory-run-store.js";
import { checkImageSupport, type LoadLlmImage } from "./phase-images.js";
import { type ProposeContext, propose } from "./phase-propose.js";
import { replayOf } from "./phase-replay.js";
import type { RunEvent } from "./run-events.js";
import type { LlmProposal, SearchStrategy } from "./search-strategy.js";
import { ScriptedLlm } from "./testing.js";

const load: LoadLlmImage = async (path, label) => ({
  mediaType: "image/png",
  data: Buffer.from(path).toString("base64"),
  sha256: `sha-of-${path}`,
  width: 8,
  height: 8,
  label,
});

const proposal = (images: { path: string; label: string }[]): LlmProposal => ({
  kind: "llm",
  request: {
    messages: [
      { role: "user", content: "first" },
      { role: "assistant", content: "a {}." },
      { role: "user", content: "more" },
    ],
  },
  parse: (texts) => [...texts],
  images,
});

function context(events: RunEvent[] = []) {
  const store = new MemoryRunStore();
  const llm = new ScriptedLlm({ replies: ["a photo of {}."] });
  const ctx: ProposeContext = {
    llm,
    store,
    observers: [],
    tracker: new BudgetTracker({}, null),
    replay: replayOf(events, store.location),
    calls: { next: 0, replayed: 0 },
    seed: 1,
    alreadyScored: () => false,
    trainPaths: new Set(["/d/train/a.png", "/d/train/b.png"]),
    loadImage: load,
  };
  return { ctx, store, llm };
}

describe("images shown with an LLM call", () => {
  it("attaches them to the last message, logs path, label and hash, and keeps bytes out of the log", async () => {
    const { ctx, store, llm } = context();
    await propose(ctx, 1, proposal([{ path: "/d/train/a.png", label: "Forest" }]));
    const sent = llm.calls[0]?.messages ?? [];
    expect(sent.map((m) => m.images?.map((i) => i.label))).toEqual([undefined, undefined, ["Forest"]]);
    const shown = store.events.find((e) => e.type === "llm-images");
    expect(shown).toMatchObject({
      seq: 0,
      images: [{ path: "/d/train/a.png", label: "Forest", sha256: "sha-of-/d/train/a.png" }],
    });
    const logged = store.events.find((e) => e.type === "llm-request");
    const image =
      logged?.type === "llm-request" ? (logged.request.messages[2]?.images?.[0] as LlmImage) : null;
    expect(image?.data).toBe("");
    expect(image?.sha256).toBe("sha-of-/d/train/a.png");
  });

  it("refuses an image outside the train split before calling", async () => {
    const { ctx, llm } = context();
    await expect(propose(ctx, 1, proposal([{ path: "/d/test/x.png", label: "Forest" }]))).rejects.toThrow(
      /only training images may be shown to the LLM, but \/d\/test\/x.png is not in the train split/,
    );
    expect(llm.calls).toHaveLength(0);
  });

  it("a resumed call shows the images its log recorded (not the strategy's new choice), logged once", async () => {
    const recorded: RunEvent = {
      type: "llm-images",
      time: "t",
      step: 1,
      seq: 0,
      images: [{ path: "/d/train/b.png", label: "River", sha256: "sha-of-/d/train/b.png" }],
    };
    const { ctx, store, llm } = context([recorded]);
    await propose(ctx, 1, proposal([{ path: "/d/train/a.png", label: "Forest" }]));
    expect(llm.calls[0]?.messages[2]?.images?.map((i) => i.label)).toEqual(["River"]);
    expect(store.events.filter((e) => e.type === "llm-images")).toHaveLength(0);
  });

  it("a strategy that shows images and a text-only provider: one ConfigError", () => {
    const strategy = { name: "hill-climb", imagesPerCall: 2 } as SearchStrategy;
    const textOnly = { provider: "groq", modelId: "m" } as LlmProvider;
    expect(() => checkImageSupport(strategy, textOnly, load)).toThrow(ConfigError);
    expect(() => checkImageSupport(strategy, textOnly, load)).toThrow(
      /shows 2 training images per call \(showImages\), but groq:m takes text only/,
    );
    expect(() => checkImageSupport(strategy, { ...textOnly, acceptsImages: true }, load)).not.toThrow();
    expect(() => checkImageSupport({ ...strategy, imagesPerCall: 0 }, textOnly)).not.toThrow();
  });
});
