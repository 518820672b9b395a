/**
 * Shared by the browser tests (report.html and `vlmopt ui`): Debian's Chromium launched off the
 * network, and toy runs made in-process with the fake registry. Not exported from the package.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Proposal, promptSet, type SearchStrategy } from "@vlmopt/core";
import { ScriptedLlm } from "@vlmopt/core/testing";
import { type Browser, chromium } from "playwright-core";
import { fakeRegistry, toyStrategy } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";

export const CHROMIUM = "/usr/bin/chromium";

/** Chromium tests skip (with this printed reason) only outside CI when Chromium is missing. */
export function chromiumSkipReason(what: string): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.CI === "true")
    throw new Error(
      `${CHROMIUM} is missing under CI: .ci/run must install chromium (apt-get install chromium)`,
    );
  const reason = `skipping ${what}: ${CHROMIUM} is missing (apt-get install chromium)`;
  console.warn(reason);
  return reason;
}

/** Flags that keep Chromium off the network (no updates, no background requests, no first run). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** An LLM reply that would run script if any of it were parsed as HTML. */
export const HOSTILE_REPLY =
  '<script>window.__pwned = "script"</script> a {} photo\n<img src=x onerror="window.__pwned = \'img\'"> a {}';

/** Makes a toy run in `cwd/<runDir>` (dataset under cwd/data); the LLM's replies may be hostile. */
export async function makeToyRun(
  cwd: string,
  runDir: string,
  o: { iterations?: number; hostile?: boolean; seed?: number; extraParams?: Record<string, string> } = {},
): Promise<void> {
  const registry = fakeRegistry({
    async resolveStrategy(_name, params) {
      const strategy = toyStrategy(Number(params.iterations ?? 3));
      return {
        ...strategy,
        ask: strategy.ask.bind(strategy),
        tell: strategy.tell.bind(strategy),
        params: { ...strategy.params, ...o.extraParams },
      };
    },
    async resolveLlm() {
      return new ScriptedLlm({
        replies: [
          (req, i) =>
            o.hostile && i === 0
              ? HOSTILE_REPLY
              : `a ${i} photo of {}.\na blurry ${req.messages.length + i} photo of a {}.`,
        ],
        whenExhausted: "repeat-last",
      });
    },
  });
  const args = [
    "optimize",
    ...["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"],
    ...["--llm", "scripted", "--iterations", String(o.iterations ?? 4), "--run-dir", runDir],
    ...(o.seed !== undefined ? ["--seed", String(o.seed)] : []),
  ];
  const io = memoryIo({ cwd });
  const code = await run(args, io, registry);
  if (code !== 0) throw new Error(`toy run failed (${code}): ${io.errText}`);
  if (!existsSync(join(cwd, runDir, "results.json"))) throw new Error(`no results.json in ${runDir}`);
}

/** Descriptions that would run script if any of them were parsed as HTML (toy classes cat, dog). */
export const HOSTILE_DESCRIPTIONS = {
  cat: ['<script>window.__pwned = "desc"</script> a cat, which has whiskers.', "a cat, which is small."],
  dog: [
    "<img src=x onerror=\"window.__pwned = 'desc-img'\"> a dog, which has a tail.",
    "a dog, which barks.",
  ],
} as const;

/** One step: a template and a per-class prompt set with hostile texts; the set is made the best. */
function promptSetStrategy(): SearchStrategy {
  return {
    specificationVersion: "v1",
    name: "toy-descriptions",
    params: {},
    wantsScoreDetails: true,
    ask(ctx): Proposal | null {
      if (ctx.step > 0) return null;
      return { kind: "templates", templates: [promptSet(HOSTILE_DESCRIPTIONS)], label: "pool" };
    },
    tell() {},
  };
}

/**
 * A toy run in `cwd/<runDir>` whose only candidate (so the chosen one) is `HOSTILE_DESCRIPTIONS`;
 * returns what `optimize` printed.
 */
export async function makeToyPromptSetRun(cwd: string, runDir: string): Promise<string> {
  const registry = fakeRegistry({ resolveStrategy: async () => promptSetStrategy() });
  const args = [
    "optimize",
    ...["--dataset", "toy", "--data-root", "data", "--model", "random:tiny", "--strategy", "toy"],
    ...["--llm", "scripted", "--run-dir", runDir],
  ];
  const io = memoryIo({ cwd });
  const code = await run(args, io, registry);
  if (code !== 0) throw new Error(`toy prompt-set run failed (${code}): ${io.errText}`);
  return io.outText;
}
