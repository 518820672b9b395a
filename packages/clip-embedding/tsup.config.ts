import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    plugins: "src/plugins.ts",
    hub: "src/hub.ts",
    testing: "src/testing.ts",
    "bench/bench-clip": "bench/bench-clip.ts",
    "bench/bench-features": "bench/bench-features.ts",
  },
  format: ["esm"],
  dts: {
    entry: { index: "src/index.ts", plugins: "src/plugins.ts", hub: "src/hub.ts", testing: "src/testing.ts" },
  },
  sourcemap: true,
  clean: true,
  target: "node20",
  // A dev dependency, loaded only by the benchmark.
  external: ["@huggingface/transformers", "vitest"],
});
