import { defineConfig } from "tsup";
import { clientBuildOptions } from "./src/ui/client-build.js";

export default defineConfig([
  {
    entry: ["src/index.ts", "src/bin.ts"],
    format: ["esm"],
    dts: true,
    sourcemap: true,
    // dist/ui is the browser build below, written in parallel.
    clean: ["!ui/**"],
    target: "node20",
    // dist/bin.js is the `vlmopt` executable.
    banner: ({ format }) => (format === "esm" ? { js: "#!/usr/bin/env node" } : {}),
  },
  clientBuildOptions("dist/ui"),
]);
