import {
  type AskContext,
  type Dataset,
  type LlmRequest,
  optimize,
  type Proposal,
  type RunEvent,
  type RunResult,
  type RunStore,
  type SearchStrategy,
  sha256Hex,
  topK,
} from "@vlmopt/core";
import { HashEncoder, ScriptedLlm } from "@vlmopt/core/testing";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withAdvisoryLock } from "./advisory-lock.js";
import { maskUrl, storeUrlFrom } from "./connection-url.js";
import { FleetBudget } from "./fleet-budget.js";
import { MIGRATIONS, migrate } from "./migrations.js";
import { openPostgresStore, type PostgresStore } from "./open-store.js";
import { openPool } from "./pool.js";
import { createTestDatabase, postgresTestSkipReason } from "./test-database.js";

const skip = await postgresTestSkipReason();
if (skip) console.warn(`store-postgres tests skipped: ${skip}`);

describe("maskUrl and storeUrlFrom (no database)", () => {
  it("never shows the password", () => {
    expect(maskUrl("postgres://alice:s3cr%21t@db.example:5432/vlmopt")).toBe(
      "postgres://alice:***@db.example:5432/vlmopt",
    );
    expect(maskUrl("postgres://db/x?password=hunter2")).not.toContain("hunter2");
  });
  it("takes the flag, else VLMOPT_STORE, and names a bad value's source without its password", () => {
    expect(storeUrlFrom(undefined, {})).toBeNull();
    expect(storeUrlFrom(undefined, { VLMOPT_STORE: "postgres://h/db" })).toBe("postgres://h/db");
    expect(storeUrlFrom("postgresql://a/b", { VLMOPT_STORE: "postgres://h/db" })).toBe("postgresql://a/b");
    expect(() => storeUrlFrom(undefined, { VLMOPT_STORE: "mysql://u:pw123@h/db" })).toThrow(/VLMOPT_STORE/);
    expect(() => storeUrlFrom("mysql://u:pw123@h/db", {})).not.toThrow(/pw123/);
  });
});

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
function encoder(): HashEncoder {
  const labelOf = new Map<string, number>();
  const ds = dataset();
  for (const x of [...ds.splits.train, ...ds.splits.val, ...ds.splits.test]) labelOf.set(x.path, x.label);
  return new HashEncoder({
    dim: 16,
    imageVector: (image) => {
      if (typeof image !== "string") return undefined;
      const noise = sha256Hex(image);
      const v = new Float32Array(16);
      for (let j = 0; j < 16; j++)
        v[j] =
          Number.parseInt(noise.slice(2 * j, 2 * j + 2), 16) / 255 -
          0.5 +
          (j % 4 === labelOf.get(image) ? 1 : 0);
      return v;
    },
  });
}
class ToyStrategy implements SearchStrategy {
  readonly specificationVersion = "v1" as const;
  readonly name = "toy";
  readonly params = { iterations: 3 };
  ask(ctx: AskContext): Proposal | null {
    if (ctx.step === 0) return { kind: "templates", templates: ["a photo of a {}.", "{}"] };
    if (ctx.step > this.params.iterations) return null;
    const best = topK(ctx.history, 2).map((h) => h.template);
    return {
      kind: "llm",
      request: { messages: [{ role: "user", content: `Improve:\n${best.join("\n")}` }], maxTokens: 32 },
      parse: (texts, scored) =>
        texts.flatMap((t) => t.split("\n")).filter((l) => l.includes("{}") && !scored(l)),
    };
  }
  tell(): void {}
}
const replyFor = (request: LlmRequest) => {
  const h = sha256Hex(JSON.stringify(request.messages)).slice(0, 6);
  return `a ${h} photo of {}.\n${h.slice(0, 3)} image of the {}.`;
};
const runWith = (
  store: RunStore,
  llm = new ScriptedLlm({ replies: [replyFor], whenExhausted: "repeat-last" }),
) =>
  optimize({ strategy: new ToyStrategy(), llm, encoder: encoder(), dataset: dataset(), store, seed: 3 }).then(
    (result) => ({ result, llm }),
  );
const comparable = (r: RunResult) => ({ history: r.history, chosen: r.chosen, stop: r.stop, usage: r.usage });

/** A store that dies (throws, as a killed process stops) after `n` appends. */
function dyingAfter(inner: RunStore, n: number): RunStore {
  let left = n;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "append")
        return async (e: RunEvent) => {
          if (left-- <= 0) throw new Error("killed");
          await target.append(e);
        };
      return Reflect.get(target, prop, receiver);
    },
  });
}

describe.skipIf(skip !== null)("PostgreSQL store (real server)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: PostgresStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openPostgresStore(db.url, { max: 4 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("applies versioned migrations once, concurrently safe, and refuses a newer schema", async () => {
    const pools = [openPool(db.url, { max: 1 }), openPool(db.url, { max: 1 })];
    const applied = await Promise.all(pools.map((p) => migrate(p)));
    expect(applied).toEqual([[], []]); // openPostgresStore applied them already
    const { rows } = await store.pool.query("SELECT version FROM vlmopt_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await store.pool.query("INSERT INTO vlmopt_migrations (version, name) VALUES (999, 'future')");
    await expect(migrate(pools[0] as pg.Pool)).rejects.toThrow(/newer than this vlmopt knows/);
    await store.pool.query("DELETE FROM vlmopt_migrations WHERE version = 999");
    await Promise.all(pools.map((p) => p.end()));
  });

  it("appends events in order, keeps them append-only, and never stores secrets", async () => {
    const s = store.runStore("t/append");
    const ev = (step: number) => ({ type: "step-start" as const, time: "t", step });
    for (let i = 0; i < 5; i++) await s.append(ev(i));
    expect((await s.readLog()).events).toEqual([0, 1, 2, 3, 4].map(ev));
    expect((await store.runStore("t/other").readLog()).events).toEqual([]);
    await expect(store.pool.query("UPDATE vlmopt_events SET event = '{}'")).rejects.toThrow(/append-only/);
    await expect(store.pool.query("DELETE FROM vlmopt_events")).rejects.toThrow(/append-only/);
    await s.writeJson("results", { a: 1, apiKey: "sk-123" });
    await s.writeJson("results", { a: 2, nested: { authorization: "Bearer x" } });
    expect(await s.readJson("results")).toEqual({ a: 2, nested: {} });
    expect(await s.readJson("absent")).toBeNull();
    expect(s.location).toContain("#t/append");
    expect(await s.readManifest()).toBeNull();
  });

  it("a run killed after any event resumes from the stored events to the uninterrupted result", async () => {
    const { result: reference, llm: refLlm } = await runWith(store.runStore("t/reference"));
    const total = (await store.runStore("t/reference").readLog()).events.length;
    for (const n of [1, 3, Math.floor(total / 2), total - 2]) {
      const key = `t/killed-${n}`;
      await expect(runWith(dyingAfter(store.runStore(key), n))).rejects.toThrow("killed");
      const before = (await store.runStore(key).readLog()).events;
      const finished = before.filter((e) => e.type === "llm-reply").length;
      const { result, llm } = await runWith(store.runStore(key));
      expect(comparable(result), `killed after ${n} events`).toEqual(comparable(reference));
      expect(result.replayedCalls).toBe(finished);
      expect(llm.calls).toEqual(refLlm.calls.slice(finished)); // no finished call repeated
      const scored = (await store.runStore(key).readLog()).events.filter(
        (e) => e.type === "candidate-scored",
      );
      const templates = scored.map((e) => (e as { candidate: { template: string } }).candidate.template);
      expect(new Set(templates).size).toBe(templates.length); // no evaluation repeated
    }
  });

  it("a fenced append needs the item's lease: after a takeover the old owner's appends are refused", async () => {
    await store.items.register("fence", { s: 1 }, [
      { itemKey: "d/m/seed-1", kind: "run", dataset: "d", method: "m", seed: 1 },
    ]);
    expect(await store.items.claim("fence", "d/m/seed-1", "A", 60)).toMatchObject({ kind: "claimed" });
    const a = store.runStore("fence/d/m/seed-1", { suiteKey: "fence", itemKey: "d/m/seed-1", owner: "A" });
    await a.append({ type: "step-start", time: "t", step: 0 });
    expect(await store.items.claim("fence", "d/m/seed-1", "B", 60)).toEqual({ kind: "held" }); // A is alive
    await store.pool.query("UPDATE vlmopt_suite_items SET lease_until = now() - interval '1 second'");
    expect(await store.items.claim("fence", "d/m/seed-1", "B", 60)).toMatchObject({ kind: "claimed" });
    await expect(a.append({ type: "step-start", time: "t", step: 1 })).rejects.toThrow(/lost the lease/);
    expect((await a.readLog()).events).toHaveLength(1);
    expect(
      await store.items.finish("fence", "d/m/seed-1", "A", { state: "done", record: {}, costUsd: 0 }),
    ).toBe(false);
    expect(
      await store.items.finish("fence", "d/m/seed-1", "B", { state: "done", record: {}, costUsd: 0 }),
    ).toBe(true);
  });

  it("stores features as bytea keyed by sha256(key); the first writer wins", async () => {
    const v = Float32Array.from([0.1, -2.5, 3e-8, 1]);
    expect(await store.features.match("m:h:image:abc")).toBeUndefined();
    await store.features.put("m:h:image:abc", v);
    await store.features.put("m:h:image:abc", Float32Array.from([9, 9, 9, 9]));
    expect(await store.features.match("m:h:image:abc")).toEqual(v);
    const { rows } = await store.pool.query("SELECT key_hash, length(value) AS n FROM vlmopt_features");
    expect(rows).toEqual([{ key_hash: sha256Hex("m:h:image:abc"), n: 16 }]);
  });

  it("an advisory lock lets one holder in at a time across pools", async () => {
    const pools = [openPool(db.url, { max: 2 }), openPool(db.url, { max: 2 })];
    const trace: string[] = [];
    await Promise.all(
      pools.map((p, i) =>
        withAdvisoryLock(p, "features:model:split", async () => {
          trace.push(`in ${i}`);
          await new Promise((r) => setTimeout(r, 150));
          trace.push(`out ${i}`);
        }),
      ),
    );
    // never interleaved: in a, out a, in b, out b
    expect(trace.map((t) => t.split(" ")[0])).toEqual(["in", "out", "in", "out"]);
    expect(trace[0]?.split(" ")[1]).toBe(trace[1]?.split(" ")[1]);
    await Promise.all(pools.map((p) => p.end()));
  });

  it("a fleet budget never lets racing workers reserve more than the cap", async () => {
    await store.items.register("race", { s: 1 }, []);
    const budget = new FleetBudget(store.pool, "race");
    await budget.ensure({ capUsd: 1, capCalls: 10 });
    const pools = Array.from({ length: 6 }, () => openPool(db.url, { max: 1 }));
    const results = await Promise.all(
      pools.flatMap((p, w) =>
        [0, 1, 2].map((j) => new FleetBudget(p, "race").reserve(`w${w}-${j}`, { usd: 0.15, calls: 2 })),
      ),
    );
    const granted = results.filter((r) => typeof r === "object");
    const usd = granted.reduce((s, r) => s + (r.maxUsd ?? 0), 0);
    const calls = granted.reduce((s, r) => s + (r.maxCalls ?? 0), 0);
    expect(usd).toBeLessThanOrEqual(1 + 1e-9);
    expect(calls).toBeLessThanOrEqual(10);
    expect(granted.length).toBe(5); // 5 × 2 calls = the call cap
    expect(results.filter((r) => r === "wait").length).toBe(13);
    // the same item gets its reservation back (a resumed run), not a second one
    const again = await budget.reserve("w0-0", { usd: 0.15, calls: 2 });
    expect(again).toEqual(results[0]);
    // settling releases the unspent part; spending everything exhausts the budget
    for (const [i, r] of results.entries()) {
      if (typeof r === "object")
        await budget.settle(`w${Math.floor(i / 3)}-${i % 3}`, { usd: 0.1, calls: 2 });
    }
    const row = await budget.read();
    expect(row).toMatchObject({ spentCalls: 10, reservedCalls: 0, reservedUsd: 0 });
    expect(await budget.reserve("late", { usd: 0.1, calls: 1 })).toBe("exhausted");
    await Promise.all(pools.map((p) => p.end()));
  });
});
