import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "./config-file.js";
import { CONFIG_SCHEMA_PATH, configJsonSchema } from "./config-json-schema.js";
import { SETTINGS } from "./options.js";

const committed = new URL(`../${CONFIG_SCHEMA_PATH}`, import.meta.url);

describe("the published JSON Schema of vlmopt.config.json", () => {
  it("the committed file is the one generated from the zod schema (VLMOPT_WRITE_SCHEMAS=1 rewrites it)", () => {
    const generated = configJsonSchema();
    if (process.env.VLMOPT_WRITE_SCHEMAS === "1") {
      mkdirSync(new URL(".", committed), { recursive: true });
      writeFileSync(committed, `${JSON.stringify(generated, null, 2)}\n`);
    }
    expect(JSON.parse(readFileSync(committed, "utf8"))).toEqual(generated);
  });

  it("names every setting with its type, minimum, choices and help text, and nothing else", () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { type?: string; minimum?: number; enum?: string[]; description?: string }>;
      additionalProperties: boolean;
    };
    expect(Object.keys(schema.properties).sort()).toEqual([...SETTINGS.map((s) => s.key), "$schema"].sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.shots).toMatchObject({ type: "integer", minimum: 1 });
    expect(schema.properties.fewshotSource?.enum).toEqual(["coop", "sample"]);
    expect(schema.properties.dataRoot?.description).toMatch(/^--data-root: directory holding/);
  });

  it("a config file that names the schema with $schema loads", () => {
    const dir = mkdtempSync(join(tmpdir(), "vlmopt-config-schema-"));
    const path = join(dir, "vlmopt.config.json");
    writeFileSync(
      path,
      JSON.stringify({ $schema: "./node_modules/@vlmopt/cli/schemas/vlmopt.config.schema.json", shots: 4 }),
    );
    expect(loadConfigFile(path)).toEqual({ shots: 4 });
  });
});
