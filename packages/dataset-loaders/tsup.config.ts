import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    plugins: "src/plugins.ts",
    testing: "src/testing.ts",
    "bench/bench-data": "bench/bench-data.ts",
  },
  // ./testing may import vitest (an optional peer dependency): never bundle it.
  external: ["vitest"],
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", plugins: "src/plugins.ts", testing: "src/testing.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
