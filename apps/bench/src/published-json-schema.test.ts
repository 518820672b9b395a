import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PUBLISHED_SCHEMA_PATH, publishedJsonSchema } from "./published-json-schema.js";
import { METHOD_ORDER, PAPER_DATASETS } from "./suites.js";

const committed = new URL(`../${PUBLISHED_SCHEMA_PATH}`, import.meta.url);

describe("the JSON Schema of the --published file", () => {
  it("the committed file is the one generated from the zod schema (VLMOPT_WRITE_SCHEMAS=1 rewrites it)", () => {
    const generated = publishedJsonSchema();
    if (process.env.VLMOPT_WRITE_SCHEMAS === "1") {
      mkdirSync(new URL(".", committed), { recursive: true });
      writeFileSync(committed, `${JSON.stringify(generated, null, 2)}\n`);
    }
    expect(JSON.parse(readFileSync(committed, "utf8"))).toEqual(generated);
  });

  it("lists the methods and datasets the reader accepts, percentages 0 to 100", () => {
    const text = JSON.stringify(publishedJsonSchema());
    for (const name of [...METHOD_ORDER, ...PAPER_DATASETS]) expect(text).toContain(`"${name}"`);
    expect(text).toContain('"maximum":100');
    expect(publishedJsonSchema().required).toEqual(["source", "backbone", "rows"]);
  });
});
