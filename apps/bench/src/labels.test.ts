import { RANDOM_WEIGHTS_WARNING } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { backboneOf, isPaperBackbone, meaninglessReason } from "./labels.js";
import type { PublishedTable } from "./published.js";
import { PUBLISHED_1SHOT } from "./published.js";
import { renderCsv } from "./render-csv.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";
import type { BenchRecord, SuiteResults } from "./types.js";

describe("meaninglessReason", () => {
  it("labels random-weight and tiny models", () => {
    expect(meaninglessReason({ id: "random:tiny" })).toContain(RANDOM_WEIGHTS_WARNING);
    expect(meaninglessReason({ id: "random:vit-b32" })).toContain(RANDOM_WEIGHTS_WARNING);
    expect(meaninglessReason({ id: "x", spec: "random:tiny" })).toContain(RANDOM_WEIGHTS_WARNING);
    expect(meaninglessReason({ id: "test:hash", warning: "hash-based test encoder" })).toContain(
      RANDOM_WEIGHTS_WARNING,
    );
  });
  it("leaves real models unlabelled", () => {
    expect(meaninglessReason({ id: "clip-vit-b32" })).toBeNull();
    expect(meaninglessReason({ id: "clip-rn50", spec: "/models/clip-rn50" })).toBeNull();
  });
});

describe("backboneOf", () => {
  it("names the CLIP backbone in ids, specs and table labels", () => {
    expect(backboneOf("CLIP RN50")).toBe("rn50");
    expect(backboneOf("ResNet-50")).toBe("rn50");
    expect(backboneOf("clip-vit-b32")).toBe("vit-b32");
    expect(backboneOf("CLIP ViT-B/32")).toBe("vit-b32");
    expect(backboneOf("openai/clip-vit-base-patch16")).toBe("vit-b16");
    expect(backboneOf("ViT-B/16")).toBe("vit-b16");
    expect(backboneOf("clip-vit-l14")).toBe("vit-l14");
    expect(backboneOf("clip-rn50x4")).toBeNull();
    expect(backboneOf("test:hash")).toBeNull();
  });
});

describe("isPaperBackbone", () => {
  it("matches RN50 names only", () => {
    expect(isPaperBackbone("rn50")).toBe(true);
    expect(isPaperBackbone("clip-rn50")).toBe(true);
    expect(isPaperBackbone("/models/clip-rn50-onnx")).toBe(true);
    expect(isPaperBackbone("clip-vit-b32")).toBe(false);
    expect(isPaperBackbone("clip-rn50x4")).toBe(false);
    expect(isPaperBackbone("rn101")).toBe(false);
  });
});

function results(modelId: string, warning?: string): SuiteResults {
  const record: BenchRecord = {
    dataset: "eurosat",
    method: "hill-climb-pn",
    methodLabel: "Hill-climb (P+N)",
    kind: "strategy",
    seed: 1,
    status: "done",
    testAccuracy: 0.5,
    trainAccuracy: 0.6,
    valAccuracy: 0.5,
    llmCalls: 3,
    costUsd: 0,
    evaluations: 4,
    templates: ["a satellite photo of {}."],
    curve: [
      [0, 0.4],
      [3, 0.6],
    ],
  };
  const model = { spec: modelId, id: modelId, hash: "ab12", ...(warning ? { warning } : {}) };
  return {
    formatVersion: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    identity: {
      suite: "t",
      model,
      llm: { spec: "openai:gpt-x", provider: "openai", modelId: "gpt-x" },
      meaningless: meaninglessReason(model),
      shots: 1,
      seeds: [1],
    },
    records: [record],
    skippedDatasets: [{ dataset: "dtd", reason: "images not found under /data" }],
    budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null, spentUsd: 0 },
    notes: [],
  };
}

const fakePublished: PublishedTable = {
  ...PUBLISHED_1SHOT,
  rows: { "hill-climb-pn": { eurosat: 12.3 } }, // test data, not the paper's number
};

describe("outputs", () => {
  it("label a random-weight run in every output and never title its table as results", () => {
    const r = results("random:tiny", RANDOM_WEIGHTS_WARNING);
    const md = renderMarkdown(r, fakePublished);
    const html = renderHtml(r, fakePublished);
    const csv = renderCsv(r);
    for (const text of [md, html]) {
      expect(text).toContain(RANDOM_WEIGHTS_WARNING);
      expect(text).toContain("NOT results");
      expect(text).not.toContain("12.3");
    }
    expect(md).not.toContain("## Test accuracy");
    for (const line of csv.trim().split("\r\n").slice(1)) expect(line).toContain(RANDOM_WEIGHTS_WARNING);
  });
  it("state the model, its hash and the LLM above every table", () => {
    const md = renderMarkdown(results("clip-vit-b32"), PUBLISHED_1SHOT);
    expect(md).toContain("## Test accuracy (%)");
    expect(md).toMatch(/_CLIP model clip-vit-b32, file hash sha256:ab12; LLM openai:gpt-x_/);
    expect(md).toContain("| Method | EuroSAT | Average | LLM calls / run |");
    expect(md).toContain("| Hill-climb (P+N) | 50.0 | 50.0 | 3.0 |");
    expect(md).toContain("images not found under /data");
    expect(md).toContain("not embedded");
  });
  it("show published numbers side by side only when the backbone is RN50", () => {
    expect(renderMarkdown(results("clip-rn50"), fakePublished)).toContain(
      "| Hill-climb (P+N) | 50.0 / 12.3 |",
    );
    expect(renderMarkdown(results("clip-vit-b32"), fakePublished)).toContain("Not shown side by side");
    // a table of another backbone is shown beside a suite of that backbone only
    const vitTable = { ...fakePublished, backbone: "CLIP ViT-B/32" };
    expect(renderMarkdown(results("clip-vit-b32"), vitTable)).toContain("| Hill-climb (P+N) | 50.0 / 12.3 |");
    expect(renderMarkdown(results("clip-rn50"), vitTable)).toContain("Not shown side by side");
    const html = renderHtml(results("clip-rn50"), fakePublished);
    expect(html).toContain("50.0 / 12.3");
    expect(html).not.toMatch(/<script|<link|src=/);
  });
});
