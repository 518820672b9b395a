import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const packages = [
  "core",
  "clip-embedding",
  "llm-providers",
  "search-strategies",
  "dataset-loaders",
  "store-postgres",
  "registry",
];
const apps = ["cli", "bench"];
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import workspace packages from source, so they run without a build.
const alias = [
  { find: /^@vlmopt\/core\/testing$/, replacement: here("./packages/core/src/testing.ts") },
  // The light `./plugins` entry points of the plugin packages.
  ...packages.map((p) => ({
    find: new RegExp(`^@vlmopt/${p}/plugins$`),
    replacement: here(`./packages/${p}/src/plugins.ts`),
  })),
  ...packages.map((p) => ({
    find: new RegExp(`^@vlmopt/${p}$`),
    replacement: here(`./packages/${p}/src/index.ts`),
  })),
  { find: /^@vlmopt\/cli$/, replacement: here("./apps/cli/src/index.ts") },
];

const project = (dir: string, name: string, kind: "unit" | "int") => ({
  resolve: { alias },
  test: {
    name: kind === "unit" ? name : `${name}:int`,
    root: here(`./${dir}`),
    include: kind === "unit" ? ["src/**/*.test.ts", "bench/**/*.test.ts"] : ["src/**/*.int.test.ts"],
    exclude:
      kind === "unit" ? ["**/*.int.test.ts", "**/node_modules/**", "**/dist/**"] : ["**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    // Integration tests (*.int.test.ts) are excluded by default: `pnpm test:int` runs them.
    projects: [
      ...packages.map((p) => project(`packages/${p}`, p, "unit")),
      ...apps.map((a) => project(`apps/${a}`, a, "unit")),
      ...packages.map((p) => project(`packages/${p}`, p, "int")).filter(() => process.env.VLMOPT_INT === "1"),
    ],
    reporters: ["default", ["json", { outputFile: here("./test-results/vitest.json") }]],
    passWithNoTests: true,
  },
});
