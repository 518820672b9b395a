import { checkImageFiles } from "./image-check.js";
import { ProblemList, problemsToError } from "./problems.js";

export interface CheckRunImagesOptions {
  /** Files read at once. Default 16. */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * Checks every image a run will use, before it spends anything: each file exists, is not empty,
 * has an image header sharp can read (format and size) and, for JPEG and PNG, its end marker —
 * the "header" level of `checkImageFiles`, so the pixels are decoded later, by the encoder.
 * `splits` maps a split name (train, val, test) to its files. Throws a DatasetProblemsError
 * that names each bad file and its split.
 */
export async function checkRunImages(
  splits: Readonly<Record<string, readonly string[]>>,
  options: CheckRunImagesOptions = {},
): Promise<void> {
  const splitOf = new Map<string, string>();
  for (const [split, files] of Object.entries(splits)) {
    for (const f of files) if (!splitOf.has(f)) splitOf.set(f, split);
  }
  const files = [...splitOf.keys()];
  const result = await checkImageFiles(files, "header", {
    concurrency: options.concurrency ?? 16,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const problems = new ProblemList();
  const fix = "Replace the file with a good copy, or remove its entry from the dataset.";
  for (const file of result.missing) {
    problems.error("image-missing", `Image ${file} (${splitOf.get(file)}) does not exist`, fix, { file });
  }
  for (const { file, reason } of result.unreadable) {
    problems.error(
      "image-unreadable",
      `Image ${file} (${splitOf.get(file)}) cannot be decoded: ${reason}`,
      fix,
      {
        file,
      },
    );
  }
  if (problems.hasErrors) throw problemsToError(`${files.length} images of the run`, problems.problems);
}
