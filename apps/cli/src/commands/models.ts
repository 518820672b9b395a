import { type Command, printJson } from "../command-context.js";
import { table } from "../format.js";
import { OPTIONS } from "../options.js";
import { loadModel } from "../run-setup.js";

export const modelsListCommand: Command = {
  spec: {
    name: "models list",
    summary: "Lists the CLIP models vlmopt knows by name (any local directory or HF repo id works too).",
    options: [],
    examples: ["vlmopt models list"],
  },
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
};

export const modelsDownloadCommand: Command = {
  spec: {
    name: "models download",
    summary:
      "Downloads a CLIP model into the model cache (so later runs work offline) and checks that it loads.",
    positionals: ["<id>"],
    options: [OPTIONS.cacheDir, OPTIONS.threads, OPTIONS.dtype, OPTIONS.device],
    examples: ["vlmopt models download clip-vit-b32"],
  },
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
};
