/**
 * hill-climb `--param showImages=k` end to end: `vlmopt optimize` as a subprocess on the embedded
 * demo with the generated tiny CLIP model, against the Anthropic, OpenAI and Gemini stand-ins. The
 * stand-ins' logs hold every image the optimizer LLM was sent; each is matched by hash against the
 * demo's train, val and test files (encoded as the vendor gets them), so the test proves that only
 * training images are shown. Also: text-only providers refuse the option before any call, the
 * run log records the images shown, a resumed run shows the same ones, and --dry-run counts them.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ImageVendor, type LabeledImage, type RunEvent, sha256Hex } from "@vlmopt/core";
import { loadDataset } from "@vlmopt/dataset-loaders";
import { encodeLlmImage, IMAGE_MAX_EDGE } from "@vlmopt/llm-providers";
import {
  defaultFakeReply,
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
} from "@vlmopt/llm-providers/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CliResult,
  DEMO_ARGS,
  ensureCliBuilt,
  imageVendorCases,
  runCli,
} from "./cli-e2e.test-helper.js";

const work = mkdtempSync(join(tmpdir(), "vlmopt-e2e-show-images-"));
const KEY = "sk-e2e-show-images-0123456789";

const vlmopt = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(work, args, env);

const common = DEMO_ARGS;
const climb = [
  "--strategy",
  "hill-climb",
  "--iterations",
  "3",
  "--param",
  "poolSize=8",
  "--param",
  "showImages=2",
  "--no-test",
  "--no-llm-cache",
  "--cache-dir",
  join(work, "cache"),
];

/** sha256 of every image (base64) a stand-in received, per request. */
function receivedImages(req: FakeLlmRequest): string[] {
  const hash = (b64: string) => sha256Hex(Buffer.from(b64, "base64"));
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const m of (body.messages ?? []) as { content: unknown }[]) {
    if (!Array.isArray(m.content)) continue;
    for (const part of m.content as Record<string, unknown>[]) {
      const source = part.source as { data?: string } | undefined;
      if (part.type === "image" && source?.data) out.push(hash(source.data));
      const url = (part.image_url as { url?: string } | undefined)?.url;
      if (part.type === "image_url" && url) out.push(hash(url.slice(url.indexOf(",") + 1)));
    }
  }
  for (const c of (body.contents ?? []) as { parts?: { inlineData?: { data: string } }[] }[]) {
    for (const part of c.parts ?? []) if (part.inlineData) out.push(hash(part.inlineData.data));
  }
  return out;
}

/** Hashes of a split's files as `vendor` is sent them (the same encoding the CLI uses). */
async function splitHashes(images: readonly LabeledImage[], vendor: ImageVendor): Promise<Set<string>> {
  const out = new Set<string>();
  for (const image of images) {
    out.add((await encodeLlmImage(readFileSync(image.path), IMAGE_MAX_EDGE[vendor])).sha256);
  }
  return out;
}

function events(runDir: string): RunEvent[] {
  return readFileSync(join(work, runDir, "events.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent);
}

const imageEvents = (runDir: string) =>
  events(runDir).filter((e): e is Extract<RunEvent, { type: "llm-images" }> => e.type === "llm-images");

const cases = imageVendorCases(KEY);

describe("hill-climb showImages end to end", () => {
  let splits: Record<"train" | "val" | "test", readonly LabeledImage[]>;
  beforeAll(async () => {
    ensureCliBuilt();
    // The demo as the CLI loads it with --shots 1 --seed 1 (it is embedded: no data root needed).
    splits = (await loadDataset("demo", { root: join(work, "no-root"), shots: 1, seed: 1 })).splits;
    expect(splits.train.length).toBeGreaterThan(0);
    expect(splits.val.length + splits.test.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    describe(c.spec, () => {
      let server: FakeLlmServer;
      beforeAll(async () => {
        server = await c.start();
      });
      afterAll(() => server.close());

      it("sends 2 labelled training images per turn, never a val or test image (the stand-in's log)", async () => {
        const runDir = `runs/${c.vendor}`;
        const r = await vlmopt(
          [
            "optimize",
            ...common,
            ...climb,
            "--llm",
            c.spec,
            "--llm-base-url",
            c.baseURL(server),
            "--run-dir",
            runDir,
          ],
          c.env,
        );
        expect(r.stderr).not.toMatch(/^error/m);
        expect(r.code).toBe(0);
        const results = JSON.parse(readFileSync(join(work, runDir, "results.json"), "utf8"));
        expect(results.usage.llmCalls).toBeGreaterThan(0);
        expect(server.requests).toHaveLength(results.usage.llmCalls);

        const train = await splitHashes(splits.train, c.vendor);
        const heldOut = await splitHashes([...splits.val, ...splits.test], c.vendor);
        const received = server.requests.map(receivedImages);
        for (const hashes of received) {
          expect(hashes).toHaveLength(2);
          for (const h of hashes) {
            expect(train.has(h)).toBe(true);
            expect(heldOut.has(h)).toBe(false);
          }
        }
        // The run log records each call's images: the paths are train files, the hashes what was sent.
        const shown = imageEvents(runDir);
        expect(shown.map((e) => e.seq)).toEqual(received.map((_, i) => i));
        const trainPaths = new Set(splits.train.map((i) => i.path));
        for (const e of shown) {
          expect(e.images.map((i) => i.sha256)).toEqual(received[e.seq]);
          for (const i of e.images) expect(trainPaths.has(i.path)).toBe(true);
        }
        // Each image is captioned with its class (sent as text before it).
        const classNames: string[] = results.classNames;
        for (const e of shown) {
          for (const i of e.images) {
            const label = splits.train.find((t) => t.path === i.path)?.label as number;
            expect(i.label).toBe((classNames[label] as string).replace(/_/g, " "));
          }
        }
        expect(JSON.stringify(server.requests.at(-1)?.body)).toContain(shown.at(-1)?.images[0]?.label);
        // The log keeps hashes, not image bytes.
        expect(readFileSync(join(work, runDir, "events.jsonl"), "utf8")).not.toMatch(
          /"data":"[A-Za-z0-9+/]{100}/,
        );
      });
    });
  }

  it("a resumed run shows the same images as an uninterrupted one, and re-sends none it was answered", async () => {
    const refServer = await startFakeLlmServer({ requireApiKey: KEY });
    // The same replies, except that the third call fails (not retryable): the run stops, saved.
    const server = await startFakeLlmServer({
      requireApiKey: KEY,
      reply: (req, index) =>
        index === 2 ? { type: "error", status: 400, message: "stop here" } : defaultFakeReply(req, index),
    });
    try {
      const args = ["optimize", ...common, ...climb, "--llm", "anthropic:claude-haiku-4-5"];
      const env = { ANTHROPIC_API_KEY: KEY };
      const ref = await vlmopt([...args, "--llm-base-url", refServer.url, "--run-dir", "runs/ref"], env);
      expect(ref.code).toBe(0);
      const cut = await vlmopt([...args, "--llm-base-url", server.url, "--run-dir", "runs/cut"], env);
      expect(cut.code).not.toBe(0);
      expect(imageEvents("runs/cut").map((e) => e.seq)).toEqual([0, 1, 2]);
      const resumedFrom = server.requests.length;
      const r = await vlmopt(["resume", "runs/cut", "--llm-base-url", server.url], env);
      expect(r.stderr).not.toMatch(/^error/m);
      expect(r.code).toBe(0);
      // Calls 0 and 1 were replayed from the log; call 2 onward went to the server again.
      const resumed = JSON.parse(readFileSync(join(work, "runs/cut/results.json"), "utf8"));
      expect(resumed.replayedCalls).toBe(2);
      const sent = server.requests.slice(resumedFrom);
      expect(sent).toHaveLength(resumed.usage.llmCalls - 2);
      // One llm-images event per call: call 2's recorded images were shown again, not logged twice.
      const cutShown = imageEvents("runs/cut");
      expect(cutShown.map((e) => e.seq)).toEqual([...Array(resumed.usage.llmCalls).keys()]);
      expect(receivedImages(sent[0] as FakeLlmRequest)).toEqual(cutShown[2]?.images.map((i) => i.sha256));
      // The images of the calls before the cut equal the uninterrupted run's (same paths and bytes).
      const strip = (e: { seq: number; images: unknown }) => ({ seq: e.seq, images: e.images });
      expect(cutShown.slice(0, 3).map(strip)).toEqual(imageEvents("runs/ref").slice(0, 3).map(strip));
    } finally {
      await server.close();
      await refServer.close();
    }
  });

  it("a text-only provider refuses showImages with one clear error before any call", async () => {
    const server = await startFakeLlmServer();
    try {
      const r = await vlmopt(
        [
          "optimize",
          ...common,
          ...climb,
          "--llm",
          `openai-compatible:some-model@${server.openaiBaseURL}`,
          "--run-dir",
          "runs/text-only",
        ],
        {},
      );
      // A ConfigError: exit 1, as for a missing API key (2 is for command-line usage errors).
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^error: strategy "hill-climb" shows 2 training images per call \(showImages\), but openai-compatible:some-model takes text only/m,
      );
      expect(server.requests).toHaveLength(0);
      expect(existsSync(join(work, "runs/text-only/events.jsonl"))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("--dry-run counts the images' tokens at the vendor's rule", async () => {
    const dry = async (extra: string[]) => {
      const r = await vlmopt([
        "optimize",
        ...common,
        ...climb,
        ...extra,
        "--llm",
        "openai:gpt-4o-mini",
        "--dry-run",
        "--json",
      ]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { llmCalls: number; inputTokens: number };
    };
    const withImages = await dry([]);
    const textOnly = await dry(["--param", "showImages=0"]);
    expect(withImages.llmCalls).toBe(textOnly.llmCalls);
    // OpenAI's detail "low": 85 tokens per image, 2 images per call.
    expect(withImages.inputTokens - textOnly.inputTokens).toBe(withImages.llmCalls * 2 * 85);
  });
});
