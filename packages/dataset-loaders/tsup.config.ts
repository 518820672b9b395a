import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", plugins: "src/plugins.ts", "bench/bench-data": "bench/bench-data.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", plugins: "src/plugins.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
