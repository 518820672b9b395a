import {
  CandidateScorer,
  type ChosenResult,
  ConfigError,
  candidateLabel,
  candidateOf,
  chosenCandidates,
  extractFeatures,
  JsonlRunStore,
  modelWarningLine,
  type RunResult,
  type ScoredTemplate,
  type SplitFeatures,
  type SplitName,
} from "@vlmopt/core";
import { defineRun, printJson } from "../command-context.js";
import { transferSpec } from "../command-specs.js";
import type { Settings } from "../config.js";
import { datasetArgOf } from "../dataset-arg.js";
import { loadDatasetFor } from "../dataset-load.js";
import { pct, shownPath, table } from "../format.js";
import { createProgressObserver } from "../progress.js";
import { loadReportData } from "../report/report-data.js";
import { absolutePath, imageCacheOf, loadModel, withTestLimit } from "../run-setup.js";
import { featureCacheOf, fetchSharedRun, openSharedRun, storeUrlOf } from "../shared-store.js";
import { UsageError } from "../usage-error.js";

export interface TransferRow {
  /** The template, or a prompt set's key (its texts are in the run's log). */
  template: string;
  /** What is shown for it: the template, or a prompt set's summary. */
  label: string;
  /** Scores on the run's own model. */
  source: { trainAccuracy: number; valAccuracy: number | null };
  trainAccuracy: number;
  valAccuracy: number | null;
}

export interface TransferResult {
  runDir: string;
  sourceModel: { id: string; hash: string };
  model: { id: string; hash: string; warning?: string };
  dataset: { name: string; counts: Record<string, number> };
  templates: TransferRow[];
  /** The run's chosen template(s), scored on the new model. */
  chosen: ChosenResult | null;
  warnings: string[];
}

/** "clip-vit-b16@fp16" → "clip-vit-b16-fp16" for a file name. */
export function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
}

export const transferCommand = defineRun(transferSpec, {
  async run(parsed, { io, registry }) {
    const runDir = absolutePath(io.cwd, parsed.positionals[0] as string);
    const storeUrl = storeUrlOf(parsed.flags.store, io);
    if (storeUrl) await fetchSharedRun(storeUrl, runDir); // the run as the shared store holds it
    const modelSpec = parsed.flags.model;
    if (!modelSpec) throw new UsageError("missing --model (e.g. --model clip-vit-b16)", "transfer");
    const data = await loadReportData(runDir);
    const saved = (data.manifest.options ?? {}) as Settings;
    const settings: Settings = { ...saved, ...parsed.flags };
    if (data.history.length === 0) {
      throw new ConfigError(`${runDir} has no scored templates`, {
        hint: "run or resume the optimization first",
      });
    }
    // The dataset as the run was given it (own data: its absolute path), else its name.
    const datasetGiven = saved.dataset ?? data.manifest.dataset.name;
    const dataRoot = parsed.flags.dataRoot ?? saved.dataRoot;
    const source = await datasetArgOf(registry, datasetGiven, dataRoot ? { dataRoot } : {}, {
      cwd: io.cwd,
      command: "transfer",
    });
    const shots = data.manifest.dataset.shots ?? saved.shots;
    const seed = data.manifest.dataset.seed ?? data.manifest.seed;
    const loaded = await loadDatasetFor(registry, source, { seed, shots }, settings, io);
    const dataset = withTestLimit(loaded, settings.testLimit);
    const encoder = await loadModel(registry, modelSpec, settings, io, parsed.json);
    const warnings: string[] = [];
    if (encoder.warning) {
      const line = modelWarningLine(encoder.id, encoder.warning);
      warnings.push(line);
      io.stderr(`warning: ${line}\n`);
    }
    const shared = await featureCacheOf(storeUrl, () => imageCacheOf(registry, settings, io.cwd));
    const cache = shared.cache;
    const progress = createProgressObserver(io, { quiet: parsed.json });
    const featuresOf = (split: SplitName): Promise<SplitFeatures> =>
      extractFeatures(encoder, dataset.splits[split], {
        cache,
        verifyImages: settings.verifyImages === true,
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: (p) => progress.onFeatureProgress?.({ split, ...p }),
      });
    const train = await featuresOf("train");
    const val = dataset.splits.val.length > 0 ? await featuresOf("val") : null;
    const scorer = new CandidateScorer({
      encoder,
      classNames: dataset.classNames,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    const rows: TransferRow[] = [];
    for (const t of data.history as ScoredTemplate[]) {
      const classes = await scorer.candidateEmbeddings(candidateOf(t));
      rows.push({
        template: t.template,
        label: candidateLabel(t),
        source: { trainAccuracy: t.trainAccuracy, valAccuracy: t.valAccuracy },
        trainAccuracy: scorer.score(classes, train).accuracy,
        valAccuracy: val ? scorer.score(classes, val).accuracy : null,
      });
    }
    let chosen: TransferResult["chosen"] = null;
    const runChosen = (data.result as RunResult | null)?.chosen;
    if (runChosen) {
      const classes = await scorer.chosenEmbeddings(chosenCandidates(runChosen), runChosen.ensemble);
      const test =
        settings.noTest === true || dataset.splits.test.length === 0
          ? null
          : scorer.score(classes, await featuresOf("test"));
      chosen = {
        templates: runChosen.templates,
        ...(runChosen.prompts ? { prompts: runChosen.prompts } : {}),
        ensemble: runChosen.ensemble,
        trainAccuracy: scorer.score(classes, train).accuracy,
        valAccuracy: val ? scorer.score(classes, val).accuracy : null,
        testAccuracy: test ? test.accuracy : null,
        perClassTest: test ? test.perClass : null,
      };
    }
    progress.done();
    const counts: Record<string, number> = {};
    for (const [k, v] of Object.entries(dataset.splits)) counts[k] = v.length;
    const result: TransferResult = {
      runDir,
      sourceModel: { id: data.manifest.model.id, hash: data.manifest.model.hash },
      model: {
        id: encoder.id,
        hash: encoder.modelHash,
        ...(encoder.warning ? { warning: encoder.warning } : {}),
      },
      dataset: { name: dataset.name, counts },
      templates: rows,
      chosen,
      warnings,
    };
    const name = `transfer-${fileSafe(encoder.id)}`;
    await shared.close();
    await new JsonlRunStore(runDir).writeJson(name, result);
    if (storeUrl) {
      const run = await openSharedRun(storeUrl, runDir);
      await run.store.writeJson(name, result).finally(() => run.close());
    }
    await encoder.dispose?.();
    if (parsed.json) {
      printJson(io, { file: `${runDir}/${name}.json`, ...result });
      return 0;
    }
    const sorted = rows
      .slice()
      .sort((a, b) => b.trainAccuracy - a.trainAccuracy)
      .slice(0, 10);
    io.stdout(
      `${data.manifest.dataset.name}: ${rows.length} templates from ${data.manifest.model.id} re-scored on ${encoder.id}\n`,
    );
    io.stdout(
      `${table(
        ["train (new)", "train (source)", "val (new)", "template"],
        sorted.map((r) => [pct(r.trainAccuracy), pct(r.source.trainAccuracy), pct(r.valAccuracy), r.label]),
      )}\n`,
    );
    if (chosen) {
      io.stdout(
        `chosen ${chosen.templates.map((t, i) => (chosen.prompts?.[i] ? candidateLabel({ template: t, prompts: chosen.prompts[i] }) : JSON.stringify(t))).join(" + ")} on ${encoder.id}: train ${pct(chosen.trainAccuracy)} · val ${pct(chosen.valAccuracy)} · test ${chosen.testAccuracy === null ? "not scored" : `${pct(chosen.testAccuracy)} (${dataset.splits.test.length} images)`}\n`,
      );
    }
    io.stdout(`wrote ${shownPath(io.cwd, `${runDir}/${name}.json`)}\n`);
    for (const w of warnings) io.stdout(`WARNING: ${w}\n`);
    return 0;
  },
});
