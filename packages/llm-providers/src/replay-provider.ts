import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ConfigError,
  EVENTS_FILE,
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  parseEventLog,
  type RunEvent,
  RunStoreError,
  throwIfAborted,
} from "@vlmopt/core";

type LlmReplyEvent = Extract<RunEvent, { type: "llm-reply" }>;

/**
 * Serves the LLM replies recorded in a finished run (`<runDir>/events.jsonl`, events of type
 * "llm-reply" in `seq` order), one per call, without calling any LLM — e.g. to re-score the same
 * proposals with another CLIP backbone. Fails with a RunStoreError when the log runs out.
 */
export class ReplayProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider = "replay";
  readonly modelId: string;
  readonly price = { inputPerMTok: 0, outputPerMTok: 0 };
  readonly warning: string;
  private replies: Promise<LlmReplyEvent[]> | undefined;
  private next = 0;

  constructor(readonly runDir: string) {
    this.modelId = runDir;
    this.warning = `replay provider — serves the recorded replies of ${runDir}; not a live LLM`;
  }

  /** Replies left to serve. */
  async remaining(): Promise<number> {
    return (await this.load()).length - this.next;
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    throwIfAborted(options.signal);
    const replies = await this.load();
    const index = this.next;
    const event = replies[index];
    if (!event) {
      throw new RunStoreError(
        `replay log ${join(this.runDir, EVENTS_FILE)} has ${replies.length} recorded LLM replies; call ${index + 1} has none`,
        {
          hint: "the new run asked for more LLM calls than the recorded one made; lower the steps or use a live LLM",
        },
      );
    }
    const n = request.n ?? 1;
    if (event.texts.length < n) {
      throw new RunStoreError(
        `replay log ${join(this.runDir, EVENTS_FILE)}: reply seq ${event.seq} has ${event.texts.length} samples, the request asks for ${n}`,
        { hint: "replay with the same strategy settings (samples per step) as the recorded run" },
      );
    }
    this.next++;
    return { texts: event.texts.slice(0, n), usage: { ...event.usage }, cached: true };
  }

  private load(): Promise<LlmReplyEvent[]> {
    this.replies ??= readReplies(this.runDir);
    return this.replies;
  }
}

async function readReplies(runDir: string): Promise<LlmReplyEvent[]> {
  const path = join(runDir, EVENTS_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`replay: cannot read ${path}: ${(error as Error).message}`, {
      hint: "give the directory of a finished run, e.g. --llm replay:runs/2026-01-01-abc",
    });
  }
  const bySeq = new Map<number, LlmReplyEvent>();
  for (const e of parseEventLog(text, path).events) if (e.type === "llm-reply") bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
