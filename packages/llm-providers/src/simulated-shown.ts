import { type LlmRequest, PLACEHOLDER, parseTemplates, shownTemplate } from "@vlmopt/core";

/** A template a request shows: its score when one is given, and whether it is a negative example. */
export interface ShownTemplate {
  template: string;
  /** Accuracy in [0, 1], or null when none is shown. */
  score: number | null;
  positive: boolean;
}

/** What the simulated provider reads from a request (see readRequest). */
export interface RequestView {
  /** Templates shown in the last user message (or, when it shows none, in the first). */
  shown: ShownTemplate[];
  /** Scored templates: shown positives with a score, and earlier proposals whose score a later turn reported. */
  known: { template: string; score: number }[];
  /** The simulated provider's last proposal in this conversation, if any. */
  lastProposal: string | null;
  /** True when the last user message says that proposal improved the score (hill-climb's feedback). */
  improved: boolean;
}

const HEADER_POS = /work well|good templates|previous templates|prompt templates|templates with their/i;
const HEADER_NEG = /don't work well|do not work well|work badly|bad templates/i;
const LABEL_ALONE = /^\s*(?:text|input|template)\s*:\s*$/i;
const SCORE =
  /(\d+(?:\.\d+)?)\s*%|\b(?:accuracy|score)\s*[:=]?\s*(\d+(?:\.\d+)?)|[—–|]\s*(\d+(?:\.\d+)?)\s*$/i;

/** A score annotation in a line as a fraction (70.1 and 0.701 both read as 0.701), or null. */
function scoreIn(line: string): number | null {
  const m = SCORE.exec(line.slice(line.lastIndexOf(PLACEHOLDER) + 1));
  const value = Number(m?.[1] ?? m?.[2] ?? m?.[3]);
  if (!m || !Number.isFinite(value)) return null;
  return value > 1 ? value / 100 : value;
}

/**
 * Templates shown in one message, in order, read by core's meta-prompt line reader (shownTemplate).
 * A header line ("… work well", "… don't work well / work badly", "previous templates") opens a
 * positive or negative section, closed by a blank line; templates outside sections count as
 * positive. OPRO's "text:" blocks take their score from the "score:" lines after them.
 */
export function readShown(content: string): ShownTemplate[] {
  const out: ShownTemplate[] = [];
  let positive = true;
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") {
      positive = true;
      continue;
    }
    if (!line.includes(PLACEHOLDER) && HEADER_NEG.test(line)) {
      positive = false;
      continue;
    }
    if (!line.includes(PLACEHOLDER) && HEADER_POS.test(line)) {
      positive = true;
      continue;
    }
    const labelled = LABEL_ALONE.test(line);
    const template = shownTemplate(labelled ? (lines[i + 1] ?? "") : line);
    if (template === null) continue;
    let score = scoreIn(line);
    if (labelled) {
      i += 1;
      // OPRO: "text:\n<template>\nscore:\n<number>"
      if (/^\s*score\s*:\s*$/i.test(lines[i + 1] ?? "")) {
        const s = Number(lines[i + 2]?.trim());
        if (Number.isFinite(s)) score = s > 1 ? s / 100 : s;
        i += 2;
      }
    }
    out.push({ template, score, positive });
  }
  return out;
}

/**
 * What a request shows: the templates of its last user message (or of its first, for a
 * conversation whose later turns only report scores), the scores known so far, and the
 * conversation's last proposal with whether it improved.
 */
export function readRequest(request: LlmRequest): RequestView {
  const messages = request.messages;
  const users = messages.filter((m) => m.role === "user");
  const last = users[users.length - 1]?.content ?? "";
  let shown = readShown(last);
  if (shown.length === 0) shown = readShown(users[0]?.content ?? "");
  const known = shown
    .filter((s) => s.positive && s.score !== null)
    .map((s) => ({ template: s.template, score: s.score as number }));
  let lastProposal: string | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m?.role !== "assistant") continue;
    const proposal = parseTemplates(m.content, { limit: 1 })[0];
    if (proposal === undefined) continue;
    lastProposal = proposal;
    const feedback = /(\d+(?:\.\d+)?)%/.exec(messages[i + 1]?.content ?? "");
    if (feedback) known.push({ template: proposal, score: Number(feedback[1]) / 100 });
  }
  known.sort((a, b) => b.score - a.score);
  return { shown, known, lastProposal, improved: lastProposal !== null && /\bimproves to\b/.test(last) };
}
