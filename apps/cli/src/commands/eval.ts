import { readFileSync } from "node:fs";
import {
  type Candidate,
  CandidateScorer,
  ConfigError,
  candidateSummary,
  extractFeatures,
  modelWarningOf,
  type PromptPack,
  readPromptPack,
  type SplitName,
  validateTemplate,
} from "@vlmopt/core";
import { defineRun, printJson } from "../command-context.js";
import { evalSpec } from "../command-specs.js";
import { datasetArgOf } from "../dataset-arg.js";
import { loadDatasetFor } from "../dataset-load.js";
import { pct, table } from "../format.js";
import { createProgressObserver } from "../progress.js";
import { absolutePath, imageCacheOf, loadModel, required, spreadSubset } from "../run-setup.js";
import { featureCacheOf, storeUrlOf } from "../shared-store.js";
import { UsageError } from "../usage-error.js";

/** Templates from a file: a JSON array of strings, or one template per line. */
export function readTemplatesFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read templates file ${path}: ${(error as Error).message}`, {
      hint: "check the --templates-file path",
    });
  }
  if (text.trimStart().startsWith("[")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`templates file ${path} is not valid JSON: ${(error as Error).message}`, {
        hint: "write a JSON array of strings, or one template per line",
      });
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      throw new ConfigError(`templates file ${path} must hold a JSON array of strings`, {
        hint: 'e.g. ["a photo of a {}.", "a satellite photo of {}."]',
      });
    }
    return value as string[];
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

export const evalCommand = defineRun(evalSpec, {
  async run(parsed, { io, registry }) {
    const s = parsed.settings;
    const templates = [...((s.template as string[] | undefined) ?? [])];
    const file = s.templatesFile;
    if (file) templates.push(...readTemplatesFile(absolutePath(io.cwd, file)));
    const packFile = s.prompts;
    if (templates.length === 0 && !packFile) {
      throw new UsageError(
        'give at least one --template (e.g. --template "a photo of a {}."), --templates-file or --prompts <pack.json>',
        "eval",
      );
    }
    const fromFlags = (s.template as string[] | undefined)?.length ?? 0;
    for (const [i, t] of templates.entries()) {
      validateTemplate(t, file && i >= fromFlags ? `template in ${file}` : "--template");
    }
    const datasetName = required(s, "dataset", "dataset", "eurosat", "eval");
    const modelSpec = required(s, "model", "model", "clip-vit-b32", "eval");
    const split = (s.split ?? "test") as SplitName;
    const data = await datasetArgOf(registry, datasetName, s, { cwd: io.cwd, command: "eval" });
    const seed = s.seed ?? 1;
    const shots = s.shots;
    const dataset = await loadDatasetFor(registry, data, { seed, shots }, s, io);
    const limit = s.limit;
    const images = limit === undefined ? dataset.splits[split] : spreadSubset(dataset.splits[split], limit);
    if (images.length === 0) {
      throw new ConfigError(`the ${split} split of ${datasetName} has no images`, {
        hint: "choose another --split",
      });
    }
    // A pack is checked against the dataset before any image is read (one error naming every class problem).
    let pack: { pack: PromptPack; candidates: Candidate[]; path: string } | null = null;
    if (packFile) {
      const path = absolutePath(io.cwd, packFile);
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (error) {
        throw new ConfigError(`cannot read prompt pack ${path}: ${(error as Error).message}`, {
          hint: "check the --prompts path",
        });
      }
      pack = { ...readPromptPack(text, path, dataset.classNames), path };
    }
    const encoder = await loadModel(registry, modelSpec, s, io, parsed.json);
    const modelWarning = modelWarningOf(encoder);
    if (modelWarning) io.stderr(`warning: ${modelWarning}\n`);
    const progress = createProgressObserver(io, { quiet: parsed.json });
    const shared = await featureCacheOf(storeUrlOf(s.store, io), () => imageCacheOf(registry, s, io.cwd));
    const features = await extractFeatures(encoder, images, {
      cache: shared.cache,
      verifyImages: s.verifyImages === true,
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => progress.onFeatureProgress?.({ split, ...p }),
    }).finally(() => shared.close());
    progress.done();
    const scorer = new CandidateScorer({
      encoder,
      classNames: dataset.classNames,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    const rows: {
      template: string;
      accuracy: number;
      correct: number;
      total: number;
      perClass: (number | null)[];
    }[] = [];
    for (const template of templates)
      rows.push({ template, ...(await scorer.scoreTemplate(template, features)) });
    let packRow: (typeof rows)[number] | null = null;
    if (pack) {
      const { candidates } = pack;
      const classes = await scorer.chosenEmbeddings(candidates, pack.pack.ensemble && candidates.length > 1);
      const label =
        candidates.length > 1
          ? `pack (${candidates.length}${pack.pack.ensemble ? ", ensemble" : ""})`
          : `pack: ${candidateSummary(candidates[0] as Candidate)}`;
      packRow = { template: label, ...scorer.score(classes, features) };
      rows.push(packRow);
    }
    let ensemble: (typeof rows)[number] | null = null;
    if (s.ensemble === true && templates.length > 1) {
      const acc = scorer.score(await scorer.ensembleEmbeddings(templates), features);
      ensemble = { template: `ensemble of ${templates.length}`, ...acc };
    }
    const warnings = modelWarning ? [modelWarning] : [];
    if (parsed.json) {
      printJson(io, {
        dataset: datasetName,
        split,
        images: images.length,
        model: { id: encoder.id, hash: encoder.modelHash },
        templates: rows,
        ensemble,
        ...(pack && packRow
          ? {
              pack: {
                file: pack.path,
                accuracy: packRow.accuracy,
                run: pack.pack.run,
                scores: pack.pack.scores,
              },
            }
          : {}),
        classNames: dataset.classNames,
        warnings,
      });
      return 0;
    }
    const all = ensemble ? [...rows, ensemble] : rows;
    io.stdout(`${datasetName} ${split} (${images.length} images) · model ${encoder.id}\n`);
    io.stdout(
      `${table(
        ["accuracy", "correct", "template"],
        all.map((r) => [pct(r.accuracy), `${r.correct}/${r.total}`, r.template]),
      )}\n`,
    );
    for (const w of warnings) io.stdout(`WARNING: ${w}\n`);
    return 0;
  },
});
