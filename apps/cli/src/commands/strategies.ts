import { defineRun, printJson } from "../command-context.js";
import { strategiesListSpec } from "../command-specs.js";
import { table } from "../format.js";

interface ParamInfo {
  name: string;
  default: unknown;
  description: string;
}

export const strategiesListCommand = defineRun(strategiesListSpec, {
  async run(parsed, { io, registry }) {
    const strategies = await registry.listStrategies();
    if (parsed.json) {
      printJson(io, strategies);
      return 0;
    }
    const rows = strategies.map((s) => {
      const params = (Array.isArray(s.params) ? (s.params as ParamInfo[]) : [])
        .map((p) => `${p.name}=${p.default === null || p.default === undefined ? "-" : String(p.default)}`)
        .join(" ");
      return [s.name, s.description, params];
    });
    io.stdout(`${table(["strategy", "description", "parameters (defaults)"], rows)}\n`);
    return 0;
  },
});
