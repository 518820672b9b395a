import { type Command, printJson } from "../command-context.js";
import { table } from "../format.js";
import { OPTIONS } from "../options.js";
import { checkDatasetName, dataRootFor } from "../run-setup.js";

export const datasetsListCommand: Command = {
  spec: {
    name: "datasets list",
    summary: "Lists the datasets vlmopt can load.",
    options: [],
    examples: ["vlmopt datasets list"],
  },
  async run(parsed, { io, registry }) {
    const list = await registry.listDatasets();
    if (parsed.json) printJson(io, list);
    else
      io.stdout(
        `${table(
          ["dataset", "description"],
          list.map((d) => [d.name, d.description]),
        )}\n`,
      );
    return 0;
  },
};

export const datasetsCheckCommand: Command = {
  spec: {
    name: "datasets check",
    summary:
      "Checks a dataset on disk (split file, class names, every listed image) and says how to fix each problem.",
    positionals: ["<name>"],
    options: [OPTIONS.dataRoot],
    examples: ["vlmopt datasets check eurosat --data-root ../shared/datasets", "vlmopt datasets check demo"],
  },
  async run(parsed, { io, registry }) {
    const name = parsed.positionals[0] as string;
    const root = await dataRootFor(registry, parsed.settings, io.cwd, "datasets check", name);
    await checkDatasetName(registry, name);
    const check = await registry.checkDataset(name, root);
    if (parsed.json) {
      printJson(io, check);
      return check.ok ? 0 : 1;
    }
    const counts = check.counts
      ? Object.entries(check.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")
      : "";
    // An embedded dataset (the demo) is not under a data root: name its own folder.
    const where = parsed.settings.dataRoot === undefined && check.datasetDir ? check.datasetDir : root;
    io.stdout(`${name} in ${where}: ${check.ok ? "ok" : "problems found"}${counts ? ` (${counts})` : ""}\n`);
    for (const p of check.problems) {
      const where = p.file ? ` ${p.file}` : "";
      io.stdout(`${p.severity}${where}: ${p.message}${p.fix ? ` — ${p.fix}` : ""}\n`);
    }
    return check.ok ? 0 : 1;
  },
};
