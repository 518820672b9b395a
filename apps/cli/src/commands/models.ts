import { defineRun, printJson } from "../command-context.js";
import { modelsDownloadSpec, modelsListSpec } from "../command-specs.js";
import { table } from "../format.js";
import { loadModel } from "../run-setup.js";

export const modelsListCommand = defineRun(modelsListSpec, {
  async run(parsed, { io, registry }) {
    const models = await registry.listModels();
    if (parsed.json) printJson(io, models);
    else
      io.stdout(
        `${table(
          ["model", "layout", "repo", "description"],
          models.map((m) => [m.name, String(m.layout ?? ""), String(m.repo ?? ""), m.description]),
        )}\n`,
      );
    return 0;
  },
});

export const modelsDownloadCommand = defineRun(modelsDownloadSpec, {
  async run(parsed, { io, registry }) {
    const id = parsed.positionals[0] as string;
    const encoder = await loadModel(registry, id, parsed.settings, io, parsed.json);
    const info = {
      id: encoder.id,
      dim: encoder.dim,
      hash: encoder.modelHash,
      ...(encoder.warning ? { warning: encoder.warning } : {}),
    };
    await encoder.dispose?.();
    if (parsed.json) printJson(io, info);
    else {
      io.stdout(`${info.id}: ready (dim ${info.dim}, hash ${info.hash.slice(0, 12)})\n`);
      if (info.warning) io.stdout(`WARNING: ${info.warning}\n`);
    }
    return 0;
  },
});
