import { type BudgetUsage, candidateLabel, type RunObserver, type ScoredTemplate } from "@vlmopt/core";
import { duration, int, pct, usd } from "./format.js";
import type { CliIo } from "./io.js";

export interface ProgressOptions {
  verbose?: boolean;
  /** Print nothing (e.g. --json keeps stderr quiet except errors). */
  quiet?: boolean;
}

/**
 * Feature extraction: "features test: 4,000/8,100 images, 850 img/s, ETA 5s"; "(all cached)" when
 * every image came from the cache, and no rate while only cached images have been read.
 */
export function featureLine(info: {
  split: string;
  done: number;
  total: number;
  cached: number;
  elapsedMs: number;
}): string {
  const head = `features ${info.split}: ${int(info.done)}/${int(info.total)} images`;
  if (info.done === info.total && info.cached === info.total) return `${head} (all cached)`;
  const cached = info.cached > 0 ? `, ${int(info.cached)} cached` : "";
  const computed = info.done - info.cached;
  if (computed === 0) return `${head}${cached}`;
  const rate = info.elapsedMs > 0 ? (computed * 1000) / info.elapsedMs : 0;
  const eta = rate > 0 ? duration((info.total - info.done) / rate) : "?";
  return `${head}${cached}, ${rate.toFixed(0)} img/s, ETA ${info.done === info.total ? "0s" : eta}`;
}

/** "LLM call 3: HTTP 503 — attempt 2/5 in 1.2s (4s on this call so far)" */
export function retryLine(info: {
  seq: number;
  retry: number;
  maxRetries: number;
  delayMs: number;
  reason: string;
  callElapsedMs: number;
}): string {
  const wait = `${(info.delayMs / 1000).toFixed(1)}s`;
  return `LLM call ${info.seq}: ${info.reason} — attempt ${info.retry + 1}/${info.maxRetries + 1} in ${wait} (${duration(info.callElapsedMs / 1000)} on this call so far)`;
}

/**
 * Progress of a run as a RunObserver: on a TTY one status line that is rewritten in place
 * (step, best accuracy so far, calls, tokens, $); otherwise one plain line per event worth logging.
 */
export function createProgressObserver(
  io: CliIo,
  options: ProgressOptions = {},
): RunObserver & { done(): void } {
  if (options.quiet) return { done() {} };
  const tty = io.isTTY;
  let statusShown = false;
  let best: ScoredTemplate | null = null;
  let usage: BudgetUsage | null = null;
  let step = 0;
  let lastFeatureLog = 0;
  let retries = 0;
  /** Time spent on calls that needed a retry: failed attempts and the waits before retries. */
  let waitedMs = 0;
  const callStarted = new Map<number, number>();
  const callWaited = new Map<number, number>();

  const status = (text: string) => {
    if (!tty) return;
    const width = 118;
    io.stderr(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    statusShown = true;
  };
  const line = (text: string) => {
    if (tty && statusShown) io.stderr("\r\x1b[K");
    statusShown = false;
    io.stderr(`${text}\n`);
  };
  const waited = () =>
    retries > 0
      ? ` · ${retries} retr${retries === 1 ? "y" : "ies"}, ${duration(waitedMs / 1000)} waiting`
      : "";
  const summary = () => {
    const u = usage;
    const calls = u
      ? `${u.llmCalls} calls, ${int(u.inputTokens + u.outputTokens)} tokens, ${usd(u.costUsd)}`
      : "";
    return `step ${step} · best ${pct(best?.trainAccuracy)} train · ${calls}${waited()}`;
  };

  return {
    onRunStart(info) {
      if (info.resumed)
        line("resuming: replaying the event log (no recorded LLM call or evaluation is repeated)");
    },
    onFeatureProgress(info) {
      const text = featureLine(info);
      if (tty) {
        status(text);
        if (info.done === info.total) line(text);
        return;
      }
      const now = Date.now();
      if (info.done === info.total || now - lastFeatureLog > 2000) {
        lastFeatureLog = now;
        line(text);
      }
    },
    onStepStart(info) {
      step = info.step;
      status(`${summary()} · step ${info.step}${info.label ? ` (${info.label})` : ""}…`);
    },
    onLlmRequest(info) {
      if (!info.replayed) callStarted.set(info.seq, Date.now());
    },
    onLlmRetry(info) {
      const started = callStarted.get(info.seq) ?? Date.now();
      const elapsed = Date.now() - started;
      retries++;
      // the failed attempt(s) so far on this call are counted once, then the wait ahead
      waitedMs += elapsed - (callWaited.get(info.seq) ?? 0) + info.delayMs;
      callWaited.set(info.seq, elapsed + info.delayMs);
      line(`${retryLine({ ...info, callElapsedMs: elapsed })}${waited()} in this run`);
      status(summary());
    },
    onLlmReply(info) {
      if (options.verbose && !info.replayed) {
        line(`LLM reply (call ${info.seq}, ${info.usage.inputTokens}+${info.usage.outputTokens} tokens):`);
        for (const t of info.texts) line(`  ${t.replace(/\n/g, "\n  ")}`);
      }
    },
    onCandidateScored(info) {
      best = info.best;
      if (options.verbose || !tty) {
        const c = info.candidate;
        if (options.verbose)
          line(`  ${pct(c.trainAccuracy)} train  ${pct(c.valAccuracy)} val  ${candidateLabel(c)}`);
      }
      status(summary());
    },
    onCandidateRejected(info) {
      if (options.verbose) line(`  rejected ${JSON.stringify(info.template)}: ${info.reason}`);
    },
    onStepEnd(info) {
      step = info.step + 1;
      best = info.best;
      usage = info.usage;
      const text = `step ${info.step}${info.replayed ? " (replayed)" : ""}${info.failed ? " (no new template)" : ""}: best ${pct(info.best?.trainAccuracy)} train ${pct(info.best?.valAccuracy)} val · ${info.usage.llmCalls} calls · ${int(info.usage.inputTokens + info.usage.outputTokens)} tokens · ${usd(info.usage.costUsd)}${waited()}`;
      if (tty) status(text);
      else line(text);
    },
    onWarning(message) {
      line(`warning: ${message}`);
    },
    done() {
      if (tty && statusShown) io.stderr("\n");
      statusShown = false;
    },
  };
}
