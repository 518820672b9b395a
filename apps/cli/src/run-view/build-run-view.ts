import { inReadmeForm } from "@vlmopt/cli-kit";
import {
  bottomK,
  type ClassPrompts,
  callsAndScores,
  candidateLabel,
  isPromptSetKey,
  modelWarningLine,
  normalizeTemplate,
  promptSetSummary,
  type RunEvent,
  type ScoredTemplate,
  type StopReason,
  templateProblem,
  topK,
} from "@vlmopt/core";
import { duration, int } from "../format-numbers.js";
import type { RunInput } from "./run-input.js";
import type {
  BaselineView,
  ChartPointView,
  ChartView,
  ChosenView,
  CostView,
  ParsedView,
  PromptSetView,
  RankedView,
  RunStatus,
  RunView,
  TransferView,
  TurnView,
} from "./run-view.js";

/**
 * A run without results.json whose last event is older than this is shown as stopped, not
 * running. Long enough for a quiet stretch of a live run (extracting test features logs nothing).
 */
export const STALE_AFTER_MS = 10 * 60_000;

type Ev<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;

// A report is read later, outside any process: it names commands in the README's form.
const NOT_FINISHED = inReadmeForm(
  "not finished (no results.json: the run was stopped before it ended; resume it with `vlmopt resume <run-dir>`)",
);

/** How a run ended, in words (also the Markdown report's status line). */
export function stopReasonText(stop: StopReason | undefined): string {
  if (!stop) return NOT_FINISHED;
  switch (stop.kind) {
    case "completed":
      return "completed";
    case "budget":
      return `budget reached (${stop.limit})`;
    case "no-usable-template":
      return `no usable template: the LLM never produced one in ${stop.llmCalls} calls`;
    case "aborted":
      return inReadmeForm("interrupted (resume with `vlmopt resume <run-dir>`)");
    case "error":
      return `error: ${stop.message}`;
  }
}

function statusOf(input: RunInput, now: number): RunStatus {
  const updatedAt = input.events.at(-1)?.time ?? null;
  const stop = input.result?.stop;
  const text = stopReasonText(stop);
  if (!stop) {
    const fresh = updatedAt !== null && now - Date.parse(updatedAt) < STALE_AFTER_MS;
    // A snapshot (report.html) cannot tell a live run from one killed a minute ago: say both.
    if (fresh)
      return {
        state: "running",
        text: `in progress (no results.json yet; last event ${updatedAt})`,
        updatedAt,
      };
    const quiet =
      updatedAt === null ? "" : `, no event for ${duration((now - Date.parse(updatedAt)) / 1000)}`;
    return { state: "stopped", text: `${text}${quiet}`, updatedAt };
  }
  const state = {
    completed: "finished",
    budget: "finished",
    "no-usable-template": "error",
    aborted: "stopped",
    error: "error",
  } as const;
  return { state: state[stop.kind], text, updatedAt };
}

interface Scored {
  candidate: ScoredTemplate;
  /** Best by train accuracy so far, this one included. */
  best: ScoredTemplate;
  calls: number;
  /** seq of the reply it came from (null for templates that needed no LLM call). */
  seq: number | null;
  newBest: boolean;
}

function scoredCandidates(events: readonly RunEvent[]): Scored[] {
  const out: Scored[] = [];
  for (const p of callsAndScores(events)) {
    if (p.kind === "scored")
      out.push({ candidate: p.candidate, best: p.best, calls: p.calls, seq: p.seq, newBest: p.newBest });
  }
  return out;
}

function chartOf(scored: readonly Scored[], input: RunInput, totalCalls: number): ChartView {
  const point = (s: Scored): ChartPointView => ({
    calls: s.calls,
    train: s.candidate.trainAccuracy,
    val: s.candidate.valAccuracy,
    step: s.candidate.step,
    source: s.candidate.source,
    template: s.candidate.template,
    label: candidateLabel(s.candidate),
  });
  const bestTrain: [number, number][] = [];
  const bestVal: [number, number][] = [];
  for (const { calls, best } of scored) {
    bestTrain.push([calls, best.trainAccuracy]);
    if (best.valAccuracy !== null) bestVal.push([calls, best.valAccuracy]);
  }
  const test = input.result?.chosen?.testAccuracy ?? null;
  return {
    pool: scored.filter((s) => s.candidate.source !== "llm").map(point),
    proposals: scored.filter((s) => s.candidate.source === "llm").map(point),
    bestTrain,
    bestVal,
    test: test === null ? null : { calls: totalCalls, accuracy: test },
    totalCalls,
  };
}

function originOf(template: string, scored: readonly Scored[]): string {
  const s = scored.find((x) => normalizeTemplate(x.candidate.template) === normalizeTemplate(template));
  if (!s) return "not in the event log";
  const c = s.candidate;
  if (c.source === "llm") return `the LLM at step ${c.step} (LLM call ${s.calls})`;
  if (c.source === "pool") return `the pool (step ${c.step}), not an LLM proposal`;
  return `${c.source} templates (step ${c.step}), not an LLM proposal`;
}

/** Texts of every scored prompt set by key (history first, then the log), for labels and details. */
type PromptsByKey = ReadonlyMap<string, ClassPrompts>;

function promptsByKey(history: readonly ScoredTemplate[], scored: readonly Scored[]): PromptsByKey {
  const out = new Map<string, ClassPrompts>();
  for (const c of [...history, ...scored.map((s) => s.candidate)])
    if (c.prompts && !out.has(c.template)) out.set(c.template, c.prompts);
  return out;
}

const labelOf = (template: string, prompts: PromptsByKey): string =>
  candidateLabel({ template, prompts: prompts.get(template) ?? null });

/**
 * The chosen prompt sets class by class: texts, the train accuracy of the class from the set's
 * score details (when the strategy recorded them), and the chosen candidate's test accuracy of
 * the class (for a single chosen candidate; an ensemble's per-class test is of the whole).
 */
function promptSetViews(
  input: RunInput,
  history: readonly ScoredTemplate[],
  prompts: PromptsByKey,
): PromptSetView[] {
  const c = input.result?.chosen;
  if (!c) return [];
  const names = input.result?.classNames ?? [];
  const out: PromptSetView[] = [];
  c.templates.forEach((key, i) => {
    const set = c.prompts?.[i] ?? prompts.get(key);
    if (!set) return;
    const scoredEntry = history.find((h) => h.template === key);
    const train = scoredEntry?.details?.perClass;
    const test = c.templates.length === 1 ? c.perClassTest : null;
    const order = names.length ? names.filter((n) => Object.hasOwn(set, n)) : Object.keys(set);
    out.push({
      key,
      summary: promptSetSummary(set, key),
      classes: order.map((name) => {
        const label = names.indexOf(name);
        return {
          name,
          texts: [...(set[name] ?? [])],
          trainAccuracy: label >= 0 ? (train?.[label] ?? null) : null,
          testAccuracy: label >= 0 ? (test?.[label] ?? null) : null,
        };
      }),
    });
  });
  return out;
}

function chosenOf(
  input: RunInput,
  scored: readonly Scored[],
  history: readonly ScoredTemplate[],
  prompts: PromptsByKey,
): ChosenView | null {
  const c = input.result?.chosen;
  if (!c) return null;
  const origin = c.ensemble
    ? `an ensemble of the top ${c.templates.length}: ${c.templates.map((t) => originOf(t, scored)).join("; ")}`
    : originOf(c.templates[0] as string, scored);
  return {
    templates: c.templates,
    labels: c.templates.map((t, i) =>
      candidateLabel({ template: t, prompts: c.prompts?.[i] ?? prompts.get(t) }),
    ),
    promptSets: promptSetViews(input, history, prompts),
    ensemble: c.ensemble,
    trainAccuracy: c.trainAccuracy,
    valAccuracy: c.valAccuracy,
    testAccuracy: c.testAccuracy,
    origin,
  };
}

/** Baselines from results.json; older runs fall back to the history's scores (train and val only). */
function baselinesOf(
  input: RunInput,
  history: readonly ScoredTemplate[],
  prompts: PromptsByKey,
): BaselineView[] {
  const recorded = input.result?.baselines;
  if (recorded) return recorded.map((b) => ({ ...b, templateLabel: labelOf(b.template, prompts) }));
  const find = (t: string) => history.find((h) => normalizeTemplate(h.template) === normalizeTemplate(t));
  const out: BaselineView[] = [];
  const photo = find("a photo of a {}.");
  if (photo)
    out.push({
      label: "a photo of a {}.",
      template: photo.template,
      templateLabel: photo.template,
      trainAccuracy: photo.trainAccuracy,
      valAccuracy: photo.valAccuracy,
      testAccuracy: null,
    });
  const pool = topK(
    history.filter((h) => h.source === "pool"),
    1,
  )[0];
  if (pool)
    out.push({
      label: "best pool template",
      template: pool.template,
      templateLabel: candidateLabel(pool),
      trainAccuracy: pool.trainAccuracy,
      valAccuracy: pool.valAccuracy,
      testAccuracy: null,
    });
  return out;
}

function turnsOf(events: readonly RunEvent[], scored: readonly Scored[], prompts: PromptsByKey): TurnView[] {
  const replies = new Map<number, Ev<"llm-reply">>();
  const parses = new Map<number, Ev<"llm-parsed">>();
  const errors = new Map<number, Ev<"llm-error">>();
  const requests = new Map<number, Ev<"llm-request">>();
  for (const e of events) {
    if (e.type === "llm-request" && !requests.has(e.seq)) requests.set(e.seq, e);
    else if (e.type === "llm-reply") replies.set(e.seq, e);
    else if (e.type === "llm-parsed") parses.set(e.seq, e);
    else if (e.type === "llm-error") errors.set(e.seq, e);
  }
  const bySeq = new Map<number, Scored[]>();
  const byKey = new Map<string, Scored>();
  for (const s of scored) {
    byKey.set(normalizeTemplate(s.candidate.template), s);
    if (s.seq !== null) bySeq.set(s.seq, [...(bySeq.get(s.seq) ?? []), s]);
  }
  return [...requests.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((req) => {
      const reply = replies.get(req.seq);
      const parse = parses.get(req.seq);
      const mine = bySeq.get(req.seq) ?? [];
      const parsed: ParsedView[] = parse
        ? parse.templates.map((template) => {
            // A prompt set is logged by its key, which is no template (it has no "{}").
            const problem = isPromptSetKey(template) ? null : templateProblem(template);
            const s = byKey.get(normalizeTemplate(template));
            const label = labelOf(template, prompts);
            const unscored = (note: string): ParsedView => ({
              template,
              label,
              trainAccuracy: null,
              valAccuracy: null,
              newBest: false,
              note,
            });
            if (problem) return unscored(problem);
            if (!s) return unscored("not scored (the budget ran out)");
            const fromHere = mine.includes(s);
            return {
              template,
              label,
              trainAccuracy: s.candidate.trainAccuracy,
              valAccuracy: s.candidate.valAccuracy,
              newBest: fromHere && s.newBest,
              ...(fromHere ? {} : { note: `already scored (step ${s.candidate.step})` }),
            };
          })
        : mine.map((s) => ({
            template: s.candidate.template,
            label: candidateLabel(s.candidate),
            trainAccuracy: s.candidate.trainAccuracy,
            valAccuracy: s.candidate.valAccuracy,
            newBest: s.newBest,
          }));
      const error = errors.get(req.seq);
      return {
        seq: req.seq,
        step: req.step,
        attempt: req.attempt,
        time: req.time,
        system: req.request.system ?? null,
        messages: req.request.messages.map((m) => ({ role: m.role, content: m.content })),
        replies: reply?.texts ?? [],
        parsed,
        retry: parse?.retry ?? null,
        error: error ? error.message : null,
        usage: reply ? reply.usage : null,
        cached: reply?.cached ?? false,
        durationMs: reply?.durationMs ?? null,
      };
    });
}

/** Running time summed over sessions: each run-start to the last event before the next one. */
function wallTime(events: readonly RunEvent[]): { ms: number | null; sessions: number } {
  let ms = 0;
  let sessions = 0;
  let start: number | null = null;
  let last: number | null = null;
  for (const e of events) {
    const t = Date.parse(e.time);
    if (e.type === "run-start") {
      if (start !== null && last !== null) ms += last - start;
      start = t;
      sessions++;
    }
    last = t;
  }
  if (start !== null && last !== null) ms += last - start;
  return { ms: sessions ? ms : null, sessions };
}

/** An embedding API's cost from results.json (LLM cost is apart); a local CLIP has no per-call price. */
function embeddingCostOf(input: RunInput): Pick<CostView, "embeddingUsd" | "embeddingNote"> {
  const e = input.result?.embeddingUsage;
  if (!e) {
    return {
      embeddingUsd: 0,
      embeddingNote: `CLIP (${input.manifest.model.id}) runs locally: no per-call price`,
    };
  }
  const note = `${input.manifest.model.id}: ${e.requests} API requests, ${e.images} images and ${e.texts} texts sent, ${e.cachedImages} images and ${e.cachedTexts} texts from the cache`;
  return {
    embeddingUsd: e.costUsd,
    embeddingNote: e.costUsd === null ? `${note}; price unknown` : note,
  };
}

function costOf(input: RunInput, status: RunStatus): CostView {
  const u = input.result?.usage;
  const replies = input.events.filter((e): e is Ev<"llm-reply"> => e.type === "llm-reply");
  const fromLog = replies.reduce(
    (acc, r) => ({
      inputTokens: acc.inputTokens + r.usage.inputTokens,
      outputTokens: acc.outputTokens + r.usage.outputTokens,
      costUsd:
        acc.costUsd === null || (r.usage.costUsd === null && !r.cached)
          ? null
          : acc.costUsd + (r.cached ? 0 : (r.usage.costUsd ?? 0)),
    }),
    { inputTokens: 0, outputTokens: 0, costUsd: 0 as number | null },
  );
  const wall = wallTime(input.events);
  return {
    llmCalls: u?.llmCalls ?? new Set(replies.map((r) => r.seq)).size,
    cachedCalls: u?.cachedCalls ?? replies.filter((r) => r.cached).length,
    inputTokens: u?.inputTokens ?? fromLog.inputTokens,
    outputTokens: u?.outputTokens ?? fromLog.outputTokens,
    llmUsd: u ? u.costUsd : fromLog.costUsd,
    ...embeddingCostOf(input),
    evaluations: u?.evaluations ?? input.events.filter((e) => e.type === "candidate-scored").length,
    wallMs: wall.ms,
    sessions: wall.sessions,
    stop: status.text,
  };
}

function transfersOf(input: RunInput, prompts: PromptsByKey): TransferView[] {
  return input.transfers.map(({ file, value }) => {
    const best = topK(
      value.templates.map((t, id) => ({ ...t, id, step: 0, source: "transfer" })),
      1,
    )[0];
    return {
      file,
      model: value.model.id,
      warning: value.model.warning ?? null,
      templates: value.templates.length,
      best: best
        ? {
            template: best.template,
            label: labelOf(best.template, prompts),
            trainAccuracy: best.trainAccuracy,
            valAccuracy: best.valAccuracy,
          }
        : null,
      chosen: value.chosen
        ? {
            trainAccuracy: value.chosen.trainAccuracy,
            valAccuracy: value.chosen.valAccuracy,
            testAccuracy: value.chosen.testAccuracy,
          }
        : null,
    };
  });
}

const text = (v: unknown): string =>
  v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);

function paramsOf(input: RunInput): [string, string][] {
  const m = input.manifest;
  const rows: [string, string][] = [
    ["strategy", m.strategy.name],
    ...Object.entries(m.strategy.params).map(([k, v]): [string, string] => [`strategy.${k}`, text(v)]),
  ];
  const budget = Object.entries(m.budget);
  if (budget.length === 0) rows.push(["budget", "none"]);
  for (const [k, v] of budget) rows.push([`budget.${k}`, text(v)]);
  rows.push(["seed", String(m.seed)]);
  for (const [k, v] of Object.entries(m.options ?? {})) rows.push([`options.${k}`, text(v)]);
  for (const [k, v] of Object.entries(m.versions)) rows.push([`version ${k}`, v]);
  return rows;
}

function summaryOfRun(input: RunInput, status: RunStatus, scoredCount: number): [string, string][] {
  const m = input.manifest;
  const ds = m.dataset;
  const counts = Object.entries(ds.counts)
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(", ");
  return [
    ["Run", m.runId],
    ["Status", status.text],
    [
      "Dataset",
      `${ds.name}${ds.shots !== undefined ? `, ${ds.shots}-shot` : ""}${ds.seed !== undefined ? `, seed ${ds.seed}` : ""} (${counts} images)`,
    ],
    ["CLIP model", `${m.model.id} (${m.model.hash.slice(0, 12)})`],
    ["LLM", `${m.llm.provider}:${m.llm.modelId}`],
    ["Strategy", m.strategy.name],
    ["Templates scored", String(scoredCount)],
    ["Started", m.createdAt],
  ];
}

function warningsOf(input: RunInput): string[] {
  const m = input.manifest;
  const out = new Set<string>(input.result?.warnings ?? []);
  if (m.model.warning) out.add(modelWarningLine(m.model.id, m.model.warning));
  if (m.llm.warning) out.add(`llm ${m.llm.provider}:${m.llm.modelId}: ${m.llm.warning}`);
  if (input.tornTailBytes)
    out.add(`the event log's last line was cut off by a crash (${input.tornTailBytes} bytes)`);
  return [...out];
}

/** A ranked entry without its texts and details (the page embeds only the chosen sets in full). */
function rankedView(t: ScoredTemplate): RankedView {
  const { prompts: _prompts, details: _details, ...rest } = t;
  return { ...rest, label: candidateLabel(t) };
}

/** Derives the run page's view from a run's files. `now` decides whether a live run looks stale. */
export function buildRunView(input: RunInput, now = Date.now()): RunView {
  const status = statusOf(input, now);
  const scored = scoredCandidates(input.events);
  const logHistory = scored.map((s) => s.candidate);
  const history = input.result?.history?.length ? input.result.history : logHistory;
  const totalCalls = new Set(input.events.filter((e) => e.type === "llm-reply").map((e) => e.seq)).size;
  const r = input.result;
  const names = r?.classNames ?? [];
  const nameOf = (i: number) => names[i] ?? `class ${i}`;
  const prompts = promptsByKey(history, scored);
  return {
    id: input.id,
    runId: input.manifest.runId,
    status,
    warnings: warningsOf(input),
    summary: summaryOfRun(input, status, history.length),
    params: paramsOf(input),
    chosen: chosenOf(input, scored, history, prompts),
    baselines: baselinesOf(input, history, prompts),
    chart: chartOf(scored, input, totalCalls),
    turns: turnsOf(input.events, scored, prompts),
    perClass: r?.chosen?.perClassTest
      ? r.chosen.perClassTest.map((accuracy, i) => ({ name: nameOf(i), accuracy }))
      : null,
    confused: (r?.chosen?.confusedPairs ?? []).map((p) => ({
      actual: nameOf(p.actual),
      predicted: nameOf(p.predicted),
      count: p.count,
      share: p.share,
    })),
    cost: costOf(input, status),
    transfers: transfersOf(input, prompts),
    top: topK(history, 10).map(rankedView),
    bottom: bottomK(history, 10).map(rankedView),
  };
}
