import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    plugins: "src/plugins.ts",
    testing: "src/testing.ts",
    "bench/bench-strategies": "bench/bench-strategies.ts",
  },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", plugins: "src/plugins.ts", testing: "src/testing.ts" } },
  // The contract suites in ./testing import vitest (an optional peer dependency): never bundle it.
  // The bench's simulated provider comes from @vlmopt/llm-providers (a dev dependency) at run time.
  external: ["vitest", "@vlmopt/llm-providers"],
  sourcemap: true,
  clean: true,
  target: "node20",
  // The meta-prompts are plain text files read at run time: ship them next to the bundle.
  onSuccess: async () => {
    cpSync("src/prompts", "dist/prompts", { recursive: true });
  },
});
