import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Every package of the workspace gives third-party code its contract suites and test doubles
// through a `./testing` subpath (and nowhere else): package.json exports it, the build emits it.
const packagesDir = fileURLToPath(new URL("../../", import.meta.url));
const packages = readdirSync(packagesDir).filter((d) => existsSync(`${packagesDir}${d}/package.json`));

describe("./testing subpaths", () => {
  it("finds the workspace's packages", () => {
    expect(packages).toEqual(expect.arrayContaining(["core", "registry", "cli-kit", "llm-providers"]));
  });
  for (const name of packages) {
    it(`@vlmopt/${name} exports ./testing from a source file its build emits`, () => {
      const dir = `${packagesDir}${name}`;
      const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) as {
        exports: Record<string, Record<string, string>>;
      };
      const testing = pkg.exports["./testing"];
      expect(testing, `${name}/package.json has no "./testing" export`).toBeDefined();
      const source = testing?.["@vlmopt/source"] ?? "";
      expect(existsSync(`${dir}/${source}`), `${name}: ${source} is missing`).toBe(true);
      expect(testing?.import).toBe(source.replace(/^\.\/src\/(.*)\.ts$/, "./dist/$1.js"));
      expect(readFileSync(`${dir}/tsup.config.ts`, "utf8")).toContain(`"${source.slice(2)}"`);
    });
  }
});
