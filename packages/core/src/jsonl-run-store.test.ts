import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunStoreError } from "./errors.js";
import { EVENTS_FILE, JsonlRunStore, parseEventLog } from "./jsonl-run-store.js";
import { redactSecrets } from "./run-store.js";

const tmp = () => mkdtempSync(join(tmpdir(), "vlmopt-store-"));
const ev = (step: number) => ({ type: "step-start" as const, time: "t", step });

describe("JsonlRunStore", () => {
  it("appends events as lines and reads them back", async () => {
    const dir = tmp();
    const store = new JsonlRunStore(dir);
    await store.append(ev(0));
    await store.append(ev(1));
    store.close();
    expect(readFileSync(join(dir, EVENTS_FILE), "utf8")).toBe(
      `${JSON.stringify(ev(0))}\n${JSON.stringify(ev(1))}\n`,
    );
    expect((await new JsonlRunStore(dir).readLog()).events).toEqual([ev(0), ev(1)]);
  });

  it("tolerates and reports a torn last line, and cuts it before appending", async () => {
    const dir = tmp();
    writeFileSync(join(dir, EVENTS_FILE), `${JSON.stringify(ev(0))}\n{"type":"step-st`);
    const store = new JsonlRunStore(dir);
    const log = await store.readLog();
    expect(log.events).toEqual([ev(0)]);
    expect(log.tornTail).toEqual({ line: 2, bytes: 16 });
    await store.append(ev(1));
    store.close();
    expect((await store.readLog()).events).toEqual([ev(0), ev(1)]);
    expect((await store.readLog()).tornTail).toBeUndefined();
  });

  it("refuses a log damaged in the middle, naming the line", () => {
    expect(() => parseEventLog(`{"a":1}\nnot json\n{"b":2}\n`, "events.jsonl")).toThrow(RunStoreError);
    expect(() => parseEventLog(`{"a":1}\nnot json\n{"b":2}\n`, "events.jsonl")).toThrow(/line 2/);
  });

  it("writes JSON documents atomically and never writes secrets", async () => {
    const dir = tmp();
    const store = new JsonlRunStore(dir);
    await store.writeJson("results", { ok: true, llm: { apiKey: "sk-planted-123", model: "m" } });
    expect(await store.readJson("results")).toEqual({ ok: true, llm: { model: "m" } });
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(readFileSync(join(dir, "results.json"), "utf8")).not.toContain("sk-planted");
    expect(await store.readJson("missing")).toBeNull();
  });

  it("redacts nested secret-looking keys", () => {
    expect(
      redactSecrets({ a: [{ authorization: "Bearer x", b: 1 }], OPENAI_API_KEY: "k", token: 5 }),
    ).toEqual({
      a: [{ b: 1 }],
      token: 5,
    });
  });
});
