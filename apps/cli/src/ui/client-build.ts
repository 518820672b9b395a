import { fileURLToPath } from "node:url";
import type { Options } from "tsup";

/**
 * How the UI's browser code is bundled: one minified script (Preact, d3-scale and the run page)
 * that the package's own build writes to dist/ui/app.js, so users need no build step. The
 * browser tests bundle the same way into a temporary folder, so they always test the source.
 */
export function clientBuildOptions(outDir: string): Options {
  return {
    entry: { app: fileURLToPath(new URL("../ui-client/main.tsx", import.meta.url)) },
    outDir,
    format: ["iife"],
    platform: "browser",
    target: "es2020",
    minify: true,
    dts: false,
    sourcemap: false,
    clean: true,
    noExternal: [/.*/],
    outExtension: () => ({ js: ".js" }),
    // Also set in tsconfig.json; repeated so that a build started from any folder (a test) agrees.
    esbuildOptions(options) {
      options.jsx = "automatic";
      options.jsxImportSource = "preact";
    },
  };
}
