import { VlmoptError, type VlmoptErrorOptions } from "@vlmopt/core";

/** The on-disk feature store is unreadable (truncated, corrupt, or not a store). */
export class FeatureStoreError extends VlmoptError {
  constructor(message: string, options?: VlmoptErrorOptions) {
    super(message, options, "feature-store");
    this.name = "FeatureStoreError";
  }
}

/** The one message for a damaged store: which file, and how to rebuild it. */
export function damagedStore(file: string, dir: string, what: string, cause?: unknown): FeatureStoreError {
  return new FeatureStoreError(`feature store ${file} is ${what}`, {
    hint: `delete the folder ${dir} to rebuild it (features are recomputed on the next run; nothing else is lost)`,
    ...(cause === undefined ? {} : { cause }),
  });
}
