import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/plugins.ts", "src/testing/index.ts", "src/testing/serve-stand-in.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Loaded lazily (image re-encoding; the Cohere adapter): never bundled.
  external: ["sharp", "cohere-ai", "voyageai"],
});
