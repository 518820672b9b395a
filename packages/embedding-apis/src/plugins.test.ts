import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { ConfigError } from "@vlmopt/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddingApiPlugins, jinaBackbone, openAiCompatibleEmbedBackbone, specText } from "./plugins.js";
import { type EmbeddingStandIn, startEmbeddingStandIn } from "./testing/index.js";

/** The modules a module imports statically (type-only imports are erased, so they do not count). */
function staticImports(file: string): string[] {
  const src = readFileSync(new URL(file, import.meta.url), "utf8");
  return [...src.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1] as string);
}

describe("the plugin entries", () => {
  it("are light: plugins.ts and what it imports load no vendor adapter, sharp or SDK", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) {
        if (spec.startsWith(".")) visit(`./${posix.join(posix.dirname(file), spec).replace(/\.js$/, ".ts")}`);
        else expect(spec, `${file} imports ${spec}`).toBe("@vlmopt/core");
      }
    };
    visit("./plugins.ts");
    expect([...seen].sort()).toEqual([
      "./plugins.ts",
      "./prices.ts",
      "./spec.ts",
      "./vendor-description.ts",
      "./vendor-list.ts",
      "./vendors/bedrock-vendor.ts",
      "./vendors/cohere-vendor.ts",
      "./vendors/jina-vendor.ts",
      "./vendors/nomic-vendor.ts",
      "./vendors/openai-compatible-embed-vendor.ts",
      "./vendors/vertex-vendor.ts",
      "./vendors/voyage-vendor.ts",
    ]);
  });

  it("parse specs, name their key variables and prices", () => {
    const j = jinaBackbone.parse("jina-clip-v2?dimensions=256", "jina", "");
    expect(j).toMatchObject({ vendor: "jina", model: "jina-clip-v2", dimensions: 256 });
    expect(jinaBackbone.requiredEnv(j)).toEqual(["JINA_API_KEY"]);
    expect(jinaBackbone.price(j)).toBeNull();
    const o = openAiCompatibleEmbedBackbone.parse("org/model@http://h:8000/v1?api=infinity", null, "");
    expect(o).toMatchObject({ model: "org/model", url: "http://h:8000/v1", dialect: "infinity" });
    expect(specText(o)).toBe("openai-compatible-embed:org/model@http://h:8000/v1?api=infinity");
    expect(openAiCompatibleEmbedBackbone.requiredEnv(o)).toEqual([]);
    expect(openAiCompatibleEmbedBackbone.price(o)).toEqual({ perImage: 0, perMTokText: 0 });
    expect(embeddingApiPlugins.flatMap((p) => p.prefixes)).toEqual([
      "jina",
      "cohere",
      "voyage",
      "nomic",
      "bedrock",
      "vertex",
      "openai-compatible-embed",
    ]);
    expect(embeddingApiPlugins.flatMap((p) => p.list?.() ?? []).map((r) => r.name)).toEqual([
      "jina:<model>[?dimensions=N]",
      "cohere:<model>[?dimensions=N]",
      "voyage:<model>",
      "nomic:<vision model>+<text model>",
      "bedrock:<model id>[?dimensions=256|384|1024]",
      "vertex:<model>[?dimensions=N]",
      "openai-compatible-embed:<model>@<url>[?api=vllm|infinity]",
    ]);
  });

  it("reject bad specs with a ConfigError that shows the form", () => {
    const bad = [
      () => jinaBackbone.parse("jina-clip-v2?dimensions=0", "jina", ""),
      () => jinaBackbone.parse("jina-clip-v2?size=3", "jina", ""),
      () => openAiCompatibleEmbedBackbone.parse("model-without-url", null, ""),
      () => openAiCompatibleEmbedBackbone.parse("m@ftp://x", null, ""),
      () => openAiCompatibleEmbedBackbone.parse("m@http://h/v1?api=tei", null, ""),
    ];
    for (const f of bad) {
      const err = (() => {
        try {
          f();
        } catch (e) {
          return e;
        }
      })();
      expect(ConfigError.isInstance(err)).toBe(true);
      expect((err as ConfigError).hint).toMatch(/the form is/);
    }
  });

  describe("create()", () => {
    let server: EmbeddingStandIn;
    beforeAll(async () => {
      server = await startEmbeddingStandIn({ protocol: "jina", dim: 8 });
    });
    afterAll(async () => server.close());
    it("imports the adapter and returns a working encoder", async () => {
      const e = await jinaBackbone.create(jinaBackbone.parse("jina-clip-v2?dimensions=8", "jina", ""), {
        env: { JINA_API_KEY: "k-123456" },
        baseURL: server.baseURL,
      });
      expect(e.id).toBe("jina:jina-clip-v2?dimensions=8");
      expect((await e.embedTexts(["a photo of a cat."])).dim).toBe(8);
    });
  });
});
