import { inCliForm } from "@vlmopt/cli-kit";
import { defineRun, printJson } from "../command-context.js";
import { datasetsCheckSpec, datasetsListSpec } from "../command-specs.js";
import { datasetArgOf, OWN_DATA_HINT } from "../dataset-arg.js";
import { fewshotOptions } from "../dataset-load.js";
import { shownPath, table } from "../format.js";

export const datasetsListCommand = defineRun(datasetsListSpec, {
  async run(parsed, { io, registry }) {
    const list = await registry.listDatasets();
    if (parsed.json) printJson(io, list);
    else
      io.stdout(
        `${table(
          ["dataset", "description"],
          list.map((d) => [d.name, d.description]),
        )}\n\n${inCliForm(`${OWN_DATA_HINT[0]?.toUpperCase()}${OWN_DATA_HINT.slice(1)}. Check it first with \`vlmopt datasets check ./my_folder\`.`, io.env)}\n`,
      );
    return 0;
  },
});

/** At most this many class names are printed (all are in --json). */
const SHOWN_CLASSES = 20;

const listed = (items: readonly string[], max: number) =>
  items.length > max ? `${items.slice(0, max).join(", ")}, … (${items.length} in all)` : items.join(", ");

export const datasetsCheckCommand = defineRun(datasetsCheckSpec, {
  async run(parsed, { io, registry }) {
    const s = parsed.settings;
    const name = parsed.positionals[0] as string;
    const data = await datasetArgOf(registry, name, s, {
      cwd: io.cwd,
      command: "datasets check",
      option: "dataset",
    });
    const shots = s.shots;
    const seed = s.seed;
    const check = await registry.checkDataset(data.spec, data.root, {
      ...(shots !== undefined ? { shots } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...fewshotOptions(s, io.cwd),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    if (parsed.json) {
      printJson(io, check);
      return check.ok ? 0 : 1;
    }
    const counts = check.counts
      ? Object.entries(check.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")
      : "";
    // Where the dataset really is: its folder (absolute), else the data root it was looked for in.
    const where = check.datasetDir ?? data.root;
    const layout = check.layout ? ` (${check.layout} layout)` : "";
    const lines = [
      `${name} at ${where}${layout}: ${check.ok ? "ok" : "problems found"}${counts ? ` (${counts})` : ""}`,
    ];
    if (check.classNames.length > 0) lines.push(`classes: ${listed(check.classNames, SHOWN_CLASSES)}`);
    const sel = check.selection;
    if (sel) {
      const from =
        sel.source === "coop" ? `CoOp's list ${shownPath(io.cwd, sel.fewshotFile ?? "")}` : "a seeded sample";
      lines.push(
        `checked as optimize --shots ${sel.shots} --seed ${sel.seed} uses it: ${from} (train ${sel.train}, val ${sel.val}, test ${sel.test})`,
      );
    }
    if (check.skippedFiles.length > 0)
      lines.push(`skipped (not images): ${listed(check.skippedFiles, SHOWN_CLASSES)}`);
    for (const p of check.problems) {
      if (p.code === "non-image-skipped") continue;
      const at = p.file ? ` ${p.file}` : "";
      lines.push(`${p.severity}${at}: ${p.message}${p.fix ? ` — ${p.fix}` : ""}`);
    }
    io.stdout(`${inCliForm(lines.join("\n"), io.env)}\n`);
    return check.ok ? 0 : 1;
  },
});
