import { VlmoptError, type VlmoptErrorOptions } from "@vlmopt/core";

const MARKER = Symbol.for("vlmopt.error.dataset-download");

/**
 * A dataset that could not be downloaded or unpacked: HTTP failure, cut connection, checksum
 * mismatch, corrupt or unsafe archive, too little disk. `isRetryable` is true where running the
 * command again may succeed (network, HTTP 5xx/429); it resumes where it stopped.
 */
export class DatasetDownloadError extends VlmoptError {
  readonly isRetryable: boolean;
  /** The file or URL it concerns. */
  readonly file: string | undefined;

  constructor(message: string, options: VlmoptErrorOptions & { isRetryable?: boolean; file?: string } = {}) {
    super(message, options, "dataset-download");
    this.name = "DatasetDownloadError";
    this.isRetryable = options.isRetryable ?? false;
    this.file = options.file;
  }

  static override isInstance(error: unknown): error is DatasetDownloadError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
