/**
 * `pnpm bench:clip`: speed of CLIP ViT-B/32-shaped encoding (random weights, generated once and
 * cached) on shared EuroSAT + Flowers JPEGs and 1,000 prompts, four ways:
 * (a) this package end to end from files, (b) bare onnxruntime session.run on pre-made tensors,
 * (c) @huggingface/transformers on the same model folder, (d) PyTorch on CPU (Debian
 * python3-torch) when installed. Prints a table and one final JSON line.
 *
 * Options: --images N (default 256) --prompts N (1000) --threads T (all cores) --batch B (16)
 *          --skip-transformers --skip-torch --torch-images N (256) --torch-prompts N (1000)
 *          --model A,B (default random:vit-b32; any spec loadClipEncoder takes, e.g. random:rn50,
 *          clip-rn50) --int8 (also each model's @quantized variant, and @static-int8 for
 *          random:rn50/rn101) --device cpu|cuda[:N]
 * (c) and (d) run only for random:vit-b32 in fp32; every graph gets (a) and (b), and all methods
 * of all graphs take turns on the same chunks, so the ratios (a)/(b) and int8/fp32 are measured
 * under the same machine load.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import {
  assertDeviceAvailable,
  loadClipEncoder,
  type OnnxClipEncoder,
  preprocessImage,
} from "../src/index.js";
import { findRepoRoot } from "../src/repo-paths.js";

interface Args {
  images: number;
  prompts: number;
  threads: number;
  batch: number;
  skipTransformers: boolean;
  skipTorch: boolean;
  torchImages: number;
  torchPrompts: number;
  models: string[];
  int8: boolean;
  device: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const str = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith("--")) throw new Error(`--${name} needs a value`);
    return v;
  };
  const num = (name: string, def: number) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return def;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v <= 0)
      throw new Error(`--${name} needs a positive integer, got ${argv[i + 1]}`);
    return v;
  };
  return {
    images: num("images", 256),
    prompts: num("prompts", 1000),
    threads: num("threads", availableParallelism()),
    batch: num("batch", 16),
    skipTransformers: argv.includes("--skip-transformers"),
    skipTorch: argv.includes("--skip-torch"),
    // torch-clip-bench.py itself cuts to 32 images / 128 prompts when its BLAS is the slow reference one.
    torchImages: num("torch-images", 256),
    torchPrompts: num("torch-prompts", 1000),
    models: (str("model") ?? "random:vit-b32").split(",").filter(Boolean),
    int8: argv.includes("--int8"),
    device: str("device"),
  };
}

interface Split {
  test: [string, number, string][];
}

function sharedInputs(
  root: string,
  nImages: number,
  nPrompts: number,
): { images: string[]; prompts: string[] } {
  const ds = resolve(root, "../shared/datasets");
  const images: string[] = [];
  const classes: string[] = [];
  const sets = ["eurosat", "oxford_flowers"];
  for (const [k, name] of sets.entries()) {
    const split = JSON.parse(readFileSync(join(ds, name, "split.json"), "utf8")) as Split;
    const want = k === 0 ? Math.ceil(nImages / 2) : Math.floor(nImages / 2);
    // Spread over the test list so that every class appears.
    const step = Math.max(1, Math.floor(split.test.length / want));
    for (let i = 0; i < split.test.length && images.length < (k === 0 ? want : nImages); i += step) {
      images.push(join(ds, name, "images", (split.test[i] as [string, number, string])[0]));
    }
    classes.push(
      ...readFileSync(join(ds, name, "classnames.txt"), "utf8")
        .split("\n")
        .filter(Boolean),
    );
  }
  const templates = JSON.parse(
    readFileSync(resolve(root, "../shared/templates/openai_hand_engineered.json"), "utf8"),
  ) as Record<string, string[]>;
  const all = [...new Set(Object.values(templates).flat())];
  const prompts: string[] = [];
  for (let i = 0; prompts.length < nPrompts; i++) {
    const t = all[i % all.length] as string;
    const c = classes[Math.floor(i / all.length + i * 7) % classes.length] as string;
    prompts.push(t.replace("{}", c));
  }
  return { images, prompts };
}

const now = () => performance.now();
const rate = (n: number, ms: number) => (n * 1000) / ms;

/** A method under test: encode a chunk of images / prompts (timed by the caller). */
interface Method {
  images(paths: string[]): Promise<unknown>;
  texts(prompts: string[]): Promise<unknown>;
  dispose(): Promise<void>;
}

/**
 * Bare onnxruntime on the encoder's own graphs: pre-made pixel tensors and token ids, fed with the
 * graph's own input names in its batch size (a batch-1 graph gets one run per item), same options.
 */
async function bareOrt(enc: OnnxClipEncoder, allImages: string[], args: Args): Promise<Method> {
  const g = enc.graphs;
  const cuda = args.device?.startsWith("cuda");
  const opts: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    ...(cuda
      ? { executionProviders: [{ name: "cuda", deviceId: Number(args.device?.split(":")[1] ?? 0) }] }
      : {}),
  };
  const vision = await ort.InferenceSession.create(g.visionModel, opts);
  const text = await ort.InferenceSession.create(g.textModel, opts);
  const { cropHeight: h, cropWidth: w } = enc.preprocess;
  const size = 3 * h * w;
  const pixels = new Map<string, Float32Array>();
  for (const p of allImages) {
    const px = new Float32Array(size);
    await preprocessImage(p, enc.preprocess, px, 0);
    pixels.set(p, px);
  }
  const vStep = g.vision.fixedBatch ?? args.batch;
  const tStep = g.text.fixedBatch ?? enc.maxTextBatch;
  return {
    async images(paths) {
      for (let s = 0; s < paths.length; s += vStep) {
        const part = paths.slice(s, s + vStep);
        const px = new Float32Array(vStep === g.vision.fixedBatch ? vStep * size : part.length * size);
        part.forEach((p, m) => {
          px.set(pixels.get(p) as Float32Array, m * size);
        });
        await vision.run({ [g.vision.input]: new ort.Tensor("float32", px, [px.length / size, 3, h, w]) }, [
          g.vision.output,
        ]);
      }
    },
    async texts(prompts) {
      for (let s = 0; s < prompts.length; s += tStep) {
        const tb = enc.tokenizer.encodeBatch(
          prompts.slice(s, s + tStep),
          g.text.fixedSeq ? { padTo: g.text.fixedSeq } : {},
        );
        const dims = [tb.batch, tb.sequenceLength];
        const feeds: Record<string, ort.Tensor> = {
          [g.text.input]:
            g.text.idType === "int32"
              ? new ort.Tensor("int32", Int32Array.from(tb.ids, Number), dims)
              : new ort.Tensor("int64", tb.ids, dims),
        };
        if (text.inputNames.includes("attention_mask"))
          feeds.attention_mask = new ort.Tensor("int64", tb.attentionMask, dims);
        await text.run(feeds, [g.text.output]);
      }
    },
    async dispose() {
      await vision.release();
      await text.release();
    },
  };
}

async function transformersJs(modelDir: string, args: Args, textBatch: number): Promise<Method> {
  const tf = await import("@huggingface/transformers");
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = `${dirname(modelDir)}/`;
  const id = basename(modelDir);
  const session_options = { intraOpNumThreads: args.threads, interOpNumThreads: 1 };
  const processor = await tf.AutoProcessor.from_pretrained(id);
  const vision = await tf.CLIPVisionModelWithProjection.from_pretrained(id, {
    dtype: "fp32",
    device: "cpu",
    session_options,
  });
  const tokenizer = await tf.AutoTokenizer.from_pretrained(id);
  const text = await tf.CLIPTextModelWithProjection.from_pretrained(id, {
    dtype: "fp32",
    device: "cpu",
    session_options,
  });
  return {
    async images(paths) {
      for (let s = 0; s < paths.length; s += args.batch) {
        const raw = await Promise.all(paths.slice(s, s + args.batch).map((p) => tf.RawImage.read(p)));
        await vision(await processor(raw));
      }
    },
    async texts(prompts) {
      for (let s = 0; s < prompts.length; s += textBatch) {
        await text(tokenizer(prompts.slice(s, s + textBatch), { padding: true, truncation: true }));
      }
    },
    async dispose() {
      await vision.dispose();
      await text.dispose();
    },
  };
}

interface TorchResult {
  img_per_s: number;
  txt_per_s: number;
  torch: string;
  gemm_gflops: number;
  images: number;
  texts: number;
}

function torchBench(enc: OnnxClipEncoder, prompts: string[], nImages: number, args: Args) {
  const python = "/usr/bin/python3";
  try {
    execFileSync(python, ["-c", "import torch"], { stdio: "ignore" });
  } catch {
    return { skipped: "Debian python3-torch is not installed (apt-get install python3-torch)" };
  }
  const script = [
    join(dirname(fileURLToPath(import.meta.url)), "torch-clip-bench.py"),
    resolve(dirname(fileURLToPath(import.meta.url)), "../../bench/torch-clip-bench.py"),
  ].find(existsSync);
  if (!script) return { skipped: "torch-clip-bench.py not found" };
  const lengths = prompts.map((p) => enc.tokenizer.encode(p).length);
  const out = execFileSync(
    python,
    [
      script,
      String(args.threads),
      String(nImages),
      String(args.batch),
      JSON.stringify(lengths),
      String(enc.maxTextBatch),
    ],
    { encoding: "utf8", maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "inherit"] },
  );
  const last = out.trim().split("\n").at(-1) ?? "{}";
  return JSON.parse(last) as TorchResult;
}

interface GraphResult {
  model: string;
  layout: string;
  batch: string;
  ours: { img: number; txt: number };
  bare: { img: number; txt: number };
}

/**
 * All methods take turns on the same chunks, so that a change in machine load affects them alike:
 * one batch of images (or 1/16 of the prompts) at a time, in alternating order (a b, b a, …), so a
 * load that drifts within a round does not favour the method that always runs first.
 */
async function timeMethods(
  methods: [string, Method][],
  images: string[],
  prompts: string[],
  args: Args,
): Promise<Map<string, { img: number; txt: number }>> {
  const ms = new Map<string, { img: number; txt: number }>(methods.map(([k]) => [k, { img: 0, txt: 0 }]));
  for (const [, m] of methods) {
    await m.images(images.slice(0, args.batch));
    await m.texts(["warm-up prompt", "another warm-up prompt"]);
  }
  const inTurn = (round: number) => (round % 2 === 0 ? methods : [...methods].reverse());
  for (let s = 0, round = 0; s < images.length; s += args.batch, round++) {
    for (const [k, m] of inTurn(round)) {
      const t = now();
      await m.images(images.slice(s, s + args.batch));
      (ms.get(k) as { img: number }).img += now() - t;
    }
  }
  const txtChunk = Math.max(8, Math.ceil(prompts.length / 16));
  for (let s = 0, round = 0; s < prompts.length; s += txtChunk, round++) {
    for (const [k, m] of inTurn(round)) {
      const t = now();
      await m.texts(prompts.slice(s, s + txtChunk));
      (ms.get(k) as { txt: number }).txt += now() - t;
    }
  }
  const out = new Map<string, { img: number; txt: number }>();
  for (const [k, v] of ms) out.set(k, { img: rate(images.length, v.img), txt: rate(prompts.length, v.txt) });
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Before any model is generated or loaded: a device that cannot run here is one clear error.
  try {
    assertDeviceAvailable(args.device);
  } catch (error) {
    const hint = (error as { hint?: string }).hint;
    console.error(`bench:clip: ${(error as Error).message}${hint ? `\n  hint: ${hint}` : ""}`);
    process.exit(2);
  }
  const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  if (!root || !existsSync(resolve(root, "../shared/datasets"))) {
    console.error("bench:clip needs the shared datasets at <repo>/../shared/datasets");
    process.exit(2);
  }
  const { images, prompts } = sharedInputs(root, args.images, args.prompts);
  // --int8: each model's @quantized (dynamic) variant, and @static-int8 for the generated ResNets.
  const specs = args.models.flatMap((m) =>
    args.int8 && !m.includes("@")
      ? [m, `${m}@quantized`, ...(/^random:(tiny-)?rn(50|101)$/.test(m) ? [`${m}@static-int8`] : [])]
      : [m],
  );
  console.error(
    `bench:clip: ${specs.join(", ")} on ${args.device ?? "cpu"}; ${images.length} images, ${prompts.length} prompts, ${args.threads} threads, batch ${args.batch}`,
  );
  const results: GraphResult[] = [];
  let tjs: { img: number; txt: number } | { skipped: string } = {
    skipped: "not run (only for random:vit-b32 fp32)",
  };
  let torch: TorchResult | { skipped: string } = { skipped: "not run (only for random:vit-b32 fp32)" };
  // Every graph is loaded first and all methods take turns on the same chunks, so that the
  // int8/fp32 ratios (not only (a)/(b)) are measured under the same machine load.
  const encoders: OnnxClipEncoder[] = [];
  const methods: [string, Method][] = [];
  for (const spec of specs) {
    const t0 = now();
    const enc = await loadClipEncoder(spec, {
      threads: args.threads,
      maxImageBatch: args.batch,
      ...(args.device ? { device: args.device } : {}),
    });
    encoders.push(enc);
    const g = enc.graphs;
    console.error(`${spec}: ready in ${((now() - t0) / 1000).toFixed(1)} s (${dirname(g.visionModel)})`);
    methods.push([
      `${spec}|ours`,
      { images: (p) => enc.embedImages(p), texts: (t) => enc.embedTexts(t), dispose: async () => {} },
    ]);
    methods.push([`${spec}|bare`, await bareOrt(enc, images, args)]);
    const reference = spec === "random:vit-b32" && !args.device;
    if (reference && !args.skipTransformers) {
      try {
        methods.push([
          `${spec}|tjs`,
          await transformersJs(dirname(dirname(g.visionModel)), args, enc.maxTextBatch),
        ]);
      } catch (error) {
        tjs = { skipped: `transformers.js failed to load: ${(error as Error).message}` };
      }
    } else if (reference) tjs = { skipped: "--skip-transformers" };
  }
  const speeds = await timeMethods(methods, images, prompts, args);
  for (const [k, m] of methods) if (!k.endsWith("|ours")) await m.dispose();
  for (const [n, spec] of specs.entries()) {
    const enc = encoders[n] as OnnxClipEncoder;
    const g = enc.graphs;
    const ours = speeds.get(`${spec}|ours`) as { img: number; txt: number };
    const bare = speeds.get(`${spec}|bare`) as { img: number; txt: number };
    if (speeds.has(`${spec}|tjs`)) tjs = speeds.get(`${spec}|tjs`) as { img: number; txt: number };
    console.error(
      `${spec}: (a) vlmopt ${ours.img.toFixed(1)} img/s ${ours.txt.toFixed(1)} txt/s; (b) bare ${bare.img.toFixed(1)} / ${bare.txt.toFixed(1)}`,
    );
    if (spec === "random:vit-b32" && !args.device) {
      if (args.skipTorch) torch = { skipped: "--skip-torch" };
      else {
        try {
          torch = torchBench(
            enc,
            prompts.slice(0, args.torchPrompts),
            Math.min(images.length, args.torchImages),
            args,
          );
        } catch (error) {
          torch = { skipped: `torch run failed: ${(error as Error).message.split("\n")[0]}` };
        }
      }
    }
    const fixed = g.vision.fixedBatch ?? g.text.fixedBatch;
    results.push({
      model: spec,
      layout: enc.layout,
      batch: fixed ? `fixed ${fixed}` : `${args.batch}`,
      ours,
      bare,
    });
    await enc.dispose();
  }

  const peak = process.resourceUsage().maxRSS / 1024;
  const fmt = (v: number | undefined) => (v === undefined ? "—" : v.toFixed(1));
  const ratio = (a: number, b: number | undefined) => (b === undefined ? null : Number((a / b).toFixed(3)));
  console.log(
    "\n| graph | layout | batch | (a) vlmopt img/s | (b) bare img/s | (a)/(b) | (a) texts/s | (b) texts/s | (a)/(b) |\n|---|---|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of results)
    console.log(
      `| ${r.model} | ${r.layout} | ${r.batch} | ${fmt(r.ours.img)} | ${fmt(r.bare.img)} | ${ratio(r.ours.img, r.bare.img)} | ${fmt(r.ours.txt)} | ${fmt(r.bare.txt)} | ${ratio(r.ours.txt, r.bare.txt)} |`,
    );
  // Each int8 graph against the fp32 graph of the same model, both measured in this run.
  const int8 = results
    .filter((r) => /@(quantized|static-int8)$/.test(r.model))
    .map((q) => {
      const f = results.find((r) => r.model === q.model.split("@")[0]);
      return f
        ? {
            model: q.model,
            img_int8_vs_fp32_bare: ratio(q.bare.img, f.bare.img),
            img_int8_vs_fp32_ours: ratio(q.ours.img, f.ours.img),
            txt_int8_vs_fp32_bare: ratio(q.bare.txt, f.bare.txt),
          }
        : undefined;
    })
    .filter((x) => x !== undefined);
  if (int8.length > 0) {
    console.log(
      "\n| int8 graph | int8/fp32 images (bare) | int8/fp32 images (vlmopt) | int8/fp32 texts (bare) |\n|---|---:|---:|---:|",
    );
    for (const r of int8)
      console.log(
        `| ${r.model} | ${r.img_int8_vs_fp32_bare} | ${r.img_int8_vs_fp32_ours} | ${r.txt_int8_vs_fp32_bare} |`,
      );
  }
  const vit = results.find((r) => r.model === "random:vit-b32");
  if (vit) {
    console.log("\n| method (random:vit-b32 fp32) | images/s | texts/s | note |\n|---|---:|---:|---|");
    const rows: [string, number | undefined, number | undefined, string][] = [
      [
        "(a) @vlmopt/clip-embedding, from files",
        vit.ours.img,
        vit.ours.txt,
        "decode+resize+normalise+tokenise+run",
      ],
      ["(b) bare onnxruntime session.run", vit.bare.img, vit.bare.txt, "pre-made tensors (the limit)"],
      [
        "(c) @huggingface/transformers",
        "skipped" in tjs ? undefined : tjs.img,
        "skipped" in tjs ? undefined : tjs.txt,
        "skipped" in tjs ? tjs.skipped : "from files, same model folder",
      ],
      [
        "(d) PyTorch CPU",
        "skipped" in torch ? undefined : torch.img_per_s,
        "skipped" in torch ? undefined : torch.txt_per_s,
        "skipped" in torch
          ? torch.skipped
          : `torch ${torch.torch}, pre-made tensors, ${torch.images} images / ${torch.texts} prompts, GEMM ${torch.gemm_gflops} GFLOP/s`,
      ],
    ];
    for (const [name, i, x, note] of rows) console.log(`| ${name} | ${fmt(i)} | ${fmt(x)} | ${note} |`);
  }
  const first = results[0] as GraphResult;
  console.log(
    JSON.stringify({
      img_per_s: Number(first.ours.img.toFixed(2)),
      txt_per_s: Number(first.ours.txt.toFixed(2)),
      ratio_vs_bare_ort: ratio(first.ours.img, first.bare.img),
      txt_ratio_vs_bare_ort: ratio(first.ours.txt, first.bare.txt),
      ratio_vs_transformers_js: vit ? ratio(vit.ours.img, "skipped" in tjs ? undefined : tjs.img) : null,
      ratio_vs_torch: vit ? ratio(vit.ours.img, "skipped" in torch ? undefined : torch.img_per_s) : null,
      graphs: results.map((r) => ({
        model: r.model,
        layout: r.layout,
        batch: r.batch,
        img_per_s: Number(r.ours.img.toFixed(2)),
        bare_img_per_s: Number(r.bare.img.toFixed(2)),
        ratio_vs_bare_ort: ratio(r.ours.img, r.bare.img),
        txt_per_s: Number(r.ours.txt.toFixed(2)),
        bare_txt_per_s: Number(r.bare.txt.toFixed(2)),
        txt_ratio_vs_bare_ort: ratio(r.ours.txt, r.bare.txt),
      })),
      int8,
      peak_rss_mb: Math.round(peak),
      images: images.length,
      prompts: prompts.length,
      threads: args.threads,
      batch: args.batch,
      device: args.device ?? "cpu",
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
