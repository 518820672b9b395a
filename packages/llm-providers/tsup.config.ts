import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/plugins.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // An optional dependency, imported lazily at run time: never bundle it.
  external: ["node-llama-cpp"],
});
