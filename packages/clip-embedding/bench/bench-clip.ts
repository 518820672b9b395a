/**
 * `pnpm bench:clip`: speed of CLIP ViT-B/32-shaped encoding (random weights, generated once and
 * cached) on shared EuroSAT + Flowers JPEGs and 1,000 prompts, four ways:
 * (a) this package end to end from files, (b) bare onnxruntime session.run on pre-made tensors,
 * (c) @huggingface/transformers on the same model folder, (d) PyTorch on CPU (Debian
 * python3-torch) when installed. Prints a table and one final JSON line.
 *
 * Options: --images N (default 256) --prompts N (1000) --threads T (all cores) --batch B (16)
 *          --skip-transformers --skip-torch --torch-images N (256) --torch-prompts N (1000)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import {
  defaultCacheDir,
  loadClipEncoder,
  type OnnxClipEncoder,
  preprocessImage,
  resolveClipModelFiles,
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
}

function parseArgs(argv: string[]): Args {
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

async function bareOrt(
  enc: OnnxClipEncoder,
  files: { textModel: string; visionModel: string },
  allImages: string[],
  args: Args,
): Promise<Method> {
  const opts: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  };
  const vision = await ort.InferenceSession.create(files.visionModel, opts);
  const text = await ort.InferenceSession.create(files.textModel, opts);
  // Pre-made pixel tensors (not timed): the limit the end-to-end path can reach.
  const size = 3 * 224 * 224;
  const pixels = new Map<string, Float32Array>();
  for (const p of allImages) {
    const px = new Float32Array(size);
    await preprocessImage(p, enc.preprocess, px, 0);
    pixels.set(p, px);
  }
  return {
    async images(paths) {
      for (let s = 0; s < paths.length; s += args.batch) {
        const part = paths.slice(s, s + args.batch);
        const px = new Float32Array(part.length * size);
        part.forEach((p, m) => {
          px.set(pixels.get(p) as Float32Array, m * size);
        });
        await vision.run({ pixel_values: new ort.Tensor("float32", px, [part.length, 3, 224, 224]) }, [
          "image_embeds",
        ]);
      }
    },
    async texts(prompts) {
      for (let s = 0; s < prompts.length; s += enc.maxTextBatch) {
        const tb = enc.tokenizer.encodeBatch(prompts.slice(s, s + enc.maxTextBatch));
        const dims = [tb.batch, tb.sequenceLength];
        await text.run(
          {
            input_ids: new ort.Tensor("int64", tb.ids, dims),
            attention_mask: new ort.Tensor("int64", tb.attentionMask, dims),
          },
          ["text_embeds"],
        );
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  if (!root || !existsSync(resolve(root, "../shared/datasets"))) {
    console.error("bench:clip needs the shared datasets at <repo>/../shared/datasets");
    process.exit(2);
  }
  const { images, prompts } = sharedInputs(root, args.images, args.prompts);
  console.error(
    `bench:clip: ${images.length} images, ${prompts.length} prompts, ${args.threads} threads, batch ${args.batch}`,
  );
  const cacheDir = defaultCacheDir();
  const genDir = join(cacheDir, "generated", "vit-b32-v1");
  const t0 = now();
  const enc = await loadClipEncoder("random:vit-b32", { threads: args.threads, maxImageBatch: args.batch });
  console.error(`model ready in ${((now() - t0) / 1000).toFixed(1)} s (${genDir})`);
  const files = resolveClipModelFiles(genDir);

  const methods: [string, Method][] = [
    [
      "ours",
      {
        images: (p) => enc.embedImages(p),
        texts: (t) => enc.embedTexts(t),
        dispose: () => enc.dispose(),
      },
    ],
    ["bare", await bareOrt(enc, files, images, args)],
  ];
  let tjsSkipped: string | undefined = args.skipTransformers ? "--skip-transformers" : undefined;
  if (!tjsSkipped) {
    try {
      methods.push(["tjs", await transformersJs(genDir, args, enc.maxTextBatch)]);
    } catch (error) {
      tjsSkipped = `transformers.js failed to load: ${(error as Error).message}`;
    }
  }
  // Warm-up (one full batch each), then the methods take turns on the same chunks, so that a
  // change in machine load affects them alike.
  const ms = new Map<string, { img: number; txt: number }>(methods.map(([k]) => [k, { img: 0, txt: 0 }]));
  for (const [, m] of methods) {
    await m.images(images.slice(0, args.batch));
    await m.texts(["warm-up prompt", "another warm-up prompt"]);
  }
  const imgChunk = args.batch * 4;
  for (let s = 0; s < images.length; s += imgChunk) {
    for (const [k, m] of methods) {
      const t = now();
      await m.images(images.slice(s, s + imgChunk));
      (ms.get(k) as { img: number }).img += now() - t;
    }
  }
  for (let s = 0; s < prompts.length; s += 250) {
    for (const [k, m] of methods) {
      const t = now();
      await m.texts(prompts.slice(s, s + 250));
      (ms.get(k) as { txt: number }).txt += now() - t;
    }
  }
  const speed = (k: string) => {
    const v = ms.get(k);
    return v ? { img: rate(images.length, v.img), txt: rate(prompts.length, v.txt) } : undefined;
  };
  const ours = speed("ours") as { img: number; txt: number };
  const bare = speed("bare") as { img: number; txt: number };
  const tjsSpeed = speed("tjs");
  const tjs: { img: number; txt: number } | { skipped: string } = tjsSpeed ?? {
    skipped: tjsSkipped ?? "not run",
  };
  const oursImg = ours.img;
  const oursTxt = ours.txt;
  console.error(`(a) vlmopt: ${ours.img.toFixed(1)} img/s, ${ours.txt.toFixed(1)} txt/s`);
  console.error(`(b) bare session.run: ${bare.img.toFixed(1)} img/s, ${bare.txt.toFixed(1)} txt/s`);
  console.error(
    `(c) transformers.js: ${"skipped" in tjs ? tjs.skipped : `${tjs.img.toFixed(1)} img/s, ${tjs.txt.toFixed(1)} txt/s`}`,
  );
  for (const [k, m] of methods) if (k !== "ours") await m.dispose();

  let torch: TorchResult | { skipped: string };
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
  console.error(
    `(d) torch: ${"skipped" in torch ? torch.skipped : `${torch.img_per_s.toFixed(1)} img/s, ${torch.txt_per_s.toFixed(1)} txt/s`}`,
  );
  await enc.dispose();

  const peak = process.resourceUsage().maxRSS / 1024;
  const fmt = (v: number | undefined) => (v === undefined ? "—" : v.toFixed(1));
  const rows: [string, number | undefined, number | undefined, string][] = [
    ["(a) @vlmopt/clip-embedding, from files", oursImg, oursTxt, "decode+resize+normalise+tokenise+run"],
    ["(b) bare onnxruntime session.run", bare.img, bare.txt, "pre-made tensors (the limit)"],
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
  console.log("\n| method | images/s | texts/s | note |\n|---|---:|---:|---|");
  for (const [name, i, x, note] of rows) console.log(`| ${name} | ${fmt(i)} | ${fmt(x)} | ${note} |`);
  const ratio = (a: number, b: number | undefined) => (b === undefined ? null : Number((a / b).toFixed(3)));
  console.log(
    JSON.stringify({
      img_per_s: Number(oursImg.toFixed(2)),
      txt_per_s: Number(oursTxt.toFixed(2)),
      ratio_vs_transformers_js: ratio(oursImg, "skipped" in tjs ? undefined : tjs.img),
      ratio_vs_bare_ort: ratio(oursImg, bare.img),
      ratio_vs_torch: ratio(oursImg, "skipped" in torch ? undefined : torch.img_per_s),
      txt_ratio_vs_transformers_js: ratio(oursTxt, "skipped" in tjs ? undefined : tjs.txt),
      txt_ratio_vs_bare_ort: ratio(oursTxt, bare.txt),
      txt_ratio_vs_torch: ratio(oursTxt, "skipped" in torch ? undefined : torch.txt_per_s),
      peak_rss_mb: Math.round(peak),
      images: images.length,
      prompts: prompts.length,
      threads: args.threads,
      batch: args.batch,
      model: "random:vit-b32",
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
