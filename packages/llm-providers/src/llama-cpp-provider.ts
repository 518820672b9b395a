import { availableParallelism } from "node:os";
import {
  type LlmGenerateOptions,
  type LlmGenerateResult,
  type LlmProvider,
  type LlmRequest,
  ModelLoadError,
  sha256Hex,
  throwIfAborted,
} from "@vlmopt/core";
import type { Llama, LlamaContext, LlamaGrammar, LlamaModel, Token } from "node-llama-cpp";
import { createLimiter } from "./concurrency.js";

export interface LlamaCppProviderOptions {
  /** Path of a GGUF model file. */
  modelPath: string;
  /** CPU threads. Default 1 on machines with ≤ 2 cores (more threads thrash there), else node-llama-cpp's default. */
  threads?: number;
  /** Context size in tokens. Default min(2048, the model's training context). */
  contextSize?: number;
  /** GPU backend; default false (CPU). */
  gpu?: false | "auto";
  /**
   * Constrain the output with a GBNF grammar to a "- " list of lines containing "{}" (default
   * true): small or base models then still answer in the format the strategies parse.
   */
  constrainToTemplates?: boolean;
  /** Lines per reply under the grammar. Default 5. */
  templatesPerReply?: number;
  /**
   * Seed of the sampler. Sample i of a call uses seed + a number derived from the call's
   * `callId` (stable across a resume) + i; without a callId, from the call's position. Default 0.
   */
  seed?: number;
  /** max tokens when the request does not say. Default 256. */
  defaultMaxTokens?: number;
}

/** GBNF: `count` lines "- <words> {} <words>". */
export function templateListGrammar(count: number): string {
  return [
    `root ::= line${" line".repeat(Math.max(0, count - 1))}`,
    `line ::= "- " (word " "){1,8} "{}" ((" " | ", ") word){0,4} "."? "\\n"`,
    `word ::= [a-zA-Z] [a-zA-Z'-]{0,11}`,
  ].join("\n");
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  grammar: LlamaGrammar | null;
  mod: typeof import("node-llama-cpp");
}

/**
 * A local GGUF model through node-llama-cpp (an optional dependency, imported on first use).
 * Prompts are rendered with the model's chat template (node-llama-cpp falls back to a generic one
 * when the file has none) and completed on one context sequence, one sample at a time.
 */
export class LlamaCppProvider implements LlmProvider {
  readonly specificationVersion = "v1" as const;
  readonly provider = "llama-cpp";
  readonly modelId: string;
  readonly price = { inputPerMTok: 0, outputPerMTok: 0 };
  readonly threads: number | undefined;
  private loaded: Promise<Loaded> | undefined;
  private readonly serial = createLimiter(1);
  private calls = 0;

  constructor(private readonly options: LlamaCppProviderOptions) {
    this.modelId = options.modelPath;
    this.threads = options.threads ?? (availableParallelism() <= 2 ? 1 : undefined);
  }

  async generate(request: LlmRequest, options: LlmGenerateOptions = {}): Promise<LlmGenerateResult> {
    throwIfAborted(options.signal);
    const { model, context, grammar, mod } = await this.load();
    const position = this.calls++;
    // A resumed run re-sends its unfinished calls with the same callId, so they sample alike.
    const call =
      options.callId === undefined ? position : Number.parseInt(sha256Hex(options.callId).slice(0, 5), 16);
    return this.serial.run(async () => {
      const n = request.n ?? 1;
      const maxTokens = request.maxTokens ?? this.options.defaultMaxTokens ?? 256;
      const wrapper = mod.resolveChatWrapper(model);
      const history: import("node-llama-cpp").ChatHistoryItem[] = [
        ...(request.system ? [{ type: "system" as const, text: request.system }] : []),
        ...request.messages.map((m) =>
          m.role === "user"
            ? { type: "user" as const, text: m.content }
            : { type: "model" as const, response: [m.content] },
        ),
        { type: "model" as const, response: [] },
      ];
      const { contextText } = wrapper.generateContextState({ chatHistory: history });
      let tokens: Token[] = contextText.tokenize(model.tokenizer);
      const room = context.contextSize - maxTokens - 8;
      if (tokens.length > room) {
        // Keep the first token (BOS) and the most recent part of the conversation.
        tokens = [...tokens.slice(0, 1), ...tokens.slice(tokens.length - (room - 1))];
      }
      const texts: string[] = [];
      let outputTokens = 0;
      for (let i = 0; i < n; i++) {
        throwIfAborted(options.signal);
        const sequence = context.getSequence();
        try {
          const completion = new mod.LlamaCompletion({ contextSequence: sequence });
          const text = await completion.generateCompletion(tokens, {
            maxTokens,
            temperature: request.temperature ?? 1,
            seed: (this.options.seed ?? 0) + call * 1000 + i,
            ...(grammar ? { grammar } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          });
          texts.push(text.trim());
          outputTokens += model.tokenize(text).length;
          completion.dispose();
        } finally {
          sequence.dispose();
        }
      }
      return { texts, usage: { inputTokens: tokens.length * n, outputTokens, costUsd: 0 } };
    });
  }

  /** Frees the model and context. */
  async dispose(): Promise<void> {
    if (!this.loaded) return;
    const { context, model } = await this.loaded.catch(() => ({ context: null, model: null }));
    await context?.dispose();
    await model?.dispose();
    this.loaded = undefined;
  }

  private load(): Promise<Loaded> {
    this.loaded ??= this.doLoad();
    return this.loaded;
  }

  private async doLoad(): Promise<Loaded> {
    const mod = await loadNodeLlamaCpp();
    let llama: Llama;
    try {
      llama = await mod.getLlama({
        gpu: this.options.gpu ?? false,
        build: "never",
        progressLogs: false,
        logLevel: mod.LlamaLogLevel.error,
      });
    } catch (error) {
      // node-llama-cpp tests its binary in a forked child that inherits process.execArgv: under
      // `node -e`/`--eval` the child runs the eval'd code instead and the test fails.
      const evalMode = process.execArgv.some((a) => /^(?:-e|--eval|-p|--print)(?:=|$)/.test(a));
      throw new ModelLoadError(`node-llama-cpp cannot load its native binary: ${(error as Error).message}`, {
        hint: evalMode
          ? "node-llama-cpp's binary self-test does not work under `node -e`; run the code from a file"
          : "run `npx --no node-llama-cpp inspect gpu` to see why; a prebuilt @node-llama-cpp/<platform> package must be installed",
        cause: error,
      });
    }
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: this.options.modelPath });
    } catch (error) {
      throw new ModelLoadError(
        `cannot load GGUF model ${this.options.modelPath}: ${(error as Error).message}`,
        {
          hint: "check the path (llama-cpp:<path/to/model.gguf>) and that the file is a GGUF model",
          cause: error,
        },
      );
    }
    const context = await model.createContext({
      contextSize: this.options.contextSize ?? Math.min(2048, model.trainContextSize),
      ...(this.threads !== undefined ? { threads: this.threads } : {}),
    });
    const grammar =
      this.options.constrainToTemplates === false
        ? null
        : await llama.createGrammar({ grammar: templateListGrammar(this.options.templatesPerReply ?? 5) });
    return { llama, model, context, grammar, mod };
  }
}

async function loadNodeLlamaCpp(): Promise<typeof import("node-llama-cpp")> {
  try {
    return await import("node-llama-cpp");
  } catch (error) {
    throw new ModelLoadError(`node-llama-cpp is not installed (${(error as Error).message})`, {
      hint: "install it next to @vlmopt/llm-providers (npm i node-llama-cpp) to use --llm llama-cpp:<model.gguf>",
      cause: error,
    });
  }
}
