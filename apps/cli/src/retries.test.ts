import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLlmServer, startFakeLlmServer } from "@vlmopt/llm-providers";
import { createRegistry } from "@vlmopt/registry";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeRegistry, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

const real = createRegistry();
/** Test doubles for model, dataset and strategy; the real LLM check and providers. */
const registry = () => fakeRegistry({ checkLlm: real.checkLlm, resolveLlm: real.resolveLlm });
const base = ["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"];
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const eventsOf = (dir: string): Record<string, unknown>[] =>
  readFileSync(join(dir, "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

let server: FakeLlmServer;
let cwd: string;
beforeEach(async () => {
  server = await startFakeLlmServer();
  cwd = mkdtempSync(join(tmpdir(), "vlmopt-cli-retries-"));
  writeToyDataset(join(cwd, "data"));
});
afterEach(async () => {
  await server.close();
});

describe("retries are visible", () => {
  it("a 503 then a reply: the retry is shown (attempt 2/5, the wait), logged as an llm-retry event, and replay skips it", async () => {
    server.enqueue({ type: "error", status: 503, message: "overloaded" });
    const llm = ["--llm", `openai-compatible:qwen2.5@${server.openaiBaseURL}`, "--no-llm-cache"];
    const io = memoryIo({ cwd });
    const code = await run(
      ["optimize", ...base, ...llm, "--iterations", "2", "--run-dir", "r"],
      io,
      registry(),
    );
    expect(io.errText).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(3); // call 0 twice, call 1 once
    expect(io.errText).toMatch(
      /LLM call 0: HTTP 503 — attempt 2\/5 in \d+\.\ds \(\d+s on this call so far\) · 1 retry, \d+s waiting/,
    );
    expect(io.errText).toMatch(/step 1: .* · 1 retry, \d+s waiting/);
    const events = eventsOf(join(cwd, "r"));
    const retries = events.filter((e) => e.type === "llm-retry");
    expect(retries).toEqual([
      expect.objectContaining({ seq: 0, step: 1, retry: 1, maxRetries: 4, reason: "HTTP 503", status: 503 }),
    ]);
    const types = events.map((e) => e.type);
    const at = types.indexOf("llm-retry");
    expect(types[at - 1]).toBe("llm-request");
    expect(types[at + 1]).toBe("llm-reply");
    const first = readJson(join(cwd, "r/results.json"));

    // resume replays the log (retry events included) without a request; the result is unchanged
    const again = memoryIo({ cwd });
    expect(await run(["resume", "r"], again, registry())).toBe(0);
    expect(again.errText).not.toMatch(/^error/m);
    expect(server.requests).toHaveLength(3);
    expect(readJson(join(cwd, "r/results.json")).history).toEqual(first.history);

    // and replay:<run-dir> re-serves the recorded replies
    const replay = memoryIo({ cwd });
    const args = ["optimize", ...base, "--llm", "replay:r", "--iterations", "2", "--run-dir", "r2"];
    expect(await run(args, replay, registry())).toBe(0);
    expect(
      readJson(join(cwd, "r2/results.json")).history.map((h: { template: string }) => h.template),
    ).toEqual(first.history.map((h: { template: string }) => h.template));
    expect(server.requests).toHaveLength(3);
  });

  it("a timeout: each retry is logged, and the error's hint names --llm-timeout", async () => {
    server.setReply(() => ({ type: "stall" }));
    const io = memoryIo({ cwd });
    const code = await run(
      [
        "optimize",
        ...base,
        "--llm",
        `openai-compatible:qwen2.5@${server.openaiBaseURL}`,
        "--no-llm-cache",
        "--llm-timeout",
        "0.2",
        "--llm-retries",
        "1",
        "--iterations",
        "1",
        "--run-dir",
        "r",
      ],
      io,
      registry(),
    );
    expect(code).toBe(1);
    expect(io.errText).toMatch(/LLM call 0: request timed out after 200 ms .* — attempt 2\/2 in/);
    expect(io.errText).toMatch(/— raise --llm-timeout \(seconds, now 0\.2;/);
    expect(io.errText).toContain("gave up after 2 attempts");
    const retries = eventsOf(join(cwd, "r")).filter((e) => e.type === "llm-retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ seq: 0, retry: 1, maxRetries: 1 });
    expect(String(retries[0]?.reason)).toContain("timed out");
  });
});
