import { defineConfig } from "tsup";

export default defineConfig({
  // run-manifest-schema is its own entry (@vlmopt/core/manifest-schema) so zod loads only when a
  // manifest is read back, not with every import of @vlmopt/core (`vlmopt --help` stays fast).
  entry: ["src/index.ts", "src/testing.ts", "src/run-manifest-schema.ts"],
  // The contract suites in ./testing import vitest (an optional peer dependency): never bundle it.
  external: ["vitest"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
