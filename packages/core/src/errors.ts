/**
 * Errors thrown by vlmopt packages. Every error carries a marker symbol so that `isInstance`
 * works across package copies and bundles (the same pattern as vercel/ai's AISDKError).
 */
const MARKER = Symbol.for("vlmopt.error");
const kindMarker = (kind: string) => Symbol.for(`vlmopt.error.${kind}`);

function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

export interface VlmoptErrorOptions {
  /** What to do about it, shown after the message. */
  hint?: string;
  cause?: unknown;
}

/** Base class of every vlmopt error; `isInstance` works across package copies and bundles. */
export class VlmoptError extends Error {
  /** A short machine-readable kind, e.g. "config", "dataset-format". */
  readonly kind: string;
  readonly hint: string | undefined;

  constructor(message: string, options: VlmoptErrorOptions = {}, kind = "vlmopt") {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "VlmoptError";
    this.kind = kind;
    this.hint = options.hint;
    Object.defineProperty(this, MARKER, { value: true });
    Object.defineProperty(this, kindMarker(kind), { value: true });
  }

  /** One line: message, then the hint. */
  toDisplayString(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }

  static isInstance(error: unknown): error is VlmoptError {
    return hasMarker(error, MARKER);
  }
}

/** A bad option, flag or config-file field. */
export class ConfigError extends VlmoptError {
  constructor(message: string, options?: VlmoptErrorOptions) {
    super(message, options, "config");
    this.name = "ConfigError";
  }
  static override isInstance(error: unknown): error is ConfigError {
    return hasMarker(error, kindMarker("config"));
  }
}

/** A dataset on disk that does not follow its format. */
export class DatasetFormatError extends VlmoptError {
  constructor(message: string, options?: VlmoptErrorOptions) {
    super(message, options, "dataset-format");
    this.name = "DatasetFormatError";
  }
  static override isInstance(error: unknown): error is DatasetFormatError {
    return hasMarker(error, kindMarker("dataset-format"));
  }
}

/** A model that cannot be found, downloaded or loaded. */
export class ModelLoadError extends VlmoptError {
  constructor(message: string, options?: VlmoptErrorOptions) {
    super(message, options, "model-load");
    this.name = "ModelLoadError";
  }
  static override isInstance(error: unknown): error is ModelLoadError {
    return hasMarker(error, kindMarker("model-load"));
  }
}

/** An LLM reply or a file that cannot be parsed. */
export class ParseError extends VlmoptError {
  constructor(message: string, options?: VlmoptErrorOptions) {
    super(message, options, "parse");
    this.name = "ParseError";
  }
  static override isInstance(error: unknown): error is ParseError {
    return hasMarker(error, kindMarker("parse"));
  }
}

/** A run store that cannot be read or written, or a log that does not match the run. */
export class RunStoreError extends VlmoptError {
  constructor(message: string, options?: VlmoptErrorOptions) {
    super(message, options, "run-store");
    this.name = "RunStoreError";
  }
  static override isInstance(error: unknown): error is RunStoreError {
    return hasMarker(error, kindMarker("run-store"));
  }
}

/** The operation was cancelled through an AbortSignal. */
export class AbortError extends VlmoptError {
  constructor(message: string, options?: VlmoptErrorOptions) {
    super(message, options, "abort");
    this.name = "AbortError";
  }
  static override isInstance(error: unknown): error is AbortError {
    return hasMarker(error, kindMarker("abort"));
  }
}

/** Which budget limit stopped (or would be exceeded by) an operation. */
export type BudgetLimit = "maxLlmCalls" | "maxTokens" | "maxUsd" | "maxEvaluations";

/** A budget limit would be exceeded. */
export class BudgetExceededError extends VlmoptError {
  readonly limit: BudgetLimit;
  constructor(limit: BudgetLimit, message: string, options?: VlmoptErrorOptions) {
    super(message, options, "budget");
    this.name = "BudgetExceededError";
    this.limit = limit;
  }
  static override isInstance(error: unknown): error is BudgetExceededError {
    return hasMarker(error, kindMarker("budget"));
  }
}

/** Status codes worth retrying: request timeout, conflict, rate limit and server errors. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface ProviderApiErrorOptions extends VlmoptErrorOptions {
  status?: number;
  /** Seconds the server asked us to wait (Retry-After). */
  retryAfterSeconds?: number;
  /** Overrides the status-based rule (e.g. network errors are retryable without a status). */
  isRetryable?: boolean;
  provider?: string;
  /** Body of the failed response, truncated; never contains request headers. */
  responseBody?: string;
}

/** An LLM API call that failed. `isRetryable` follows the status (408, 409, 429, >= 500). */
export class ProviderApiError extends VlmoptError {
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly isRetryable: boolean;
  readonly provider: string | undefined;
  readonly responseBody: string | undefined;
  constructor(message: string, options: ProviderApiErrorOptions = {}) {
    super(message, options, "provider-api");
    this.name = "ProviderApiError";
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.status);
    this.provider = options.provider;
    this.responseBody = options.responseBody;
  }
  static override isInstance(error: unknown): error is ProviderApiError {
    return hasMarker(error, kindMarker("provider-api"));
  }
}

/** The one-line text of any thrown value: a VlmoptError's message and hint, else the message. */
export function displayMessage(error: unknown): string {
  if (VlmoptError.isInstance(error)) return error.toDisplayString();
  return error instanceof Error ? error.message : String(error);
}

/** Throws an AbortError if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new AbortError("Operation aborted", { cause: signal.reason });
  }
}
