import { parseLaionCocoPool, sampleLaionCoco } from "@vlmopt/dataset-loaders";
import type { CliIo } from "./io.js";

/**
 * `--pool laion-coco[:seed]` (or `--param pool=laion-coco:1`): samples the paper's 80 LAION-COCO
 * captions from the HF hub (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE honoured; cached after the first
 * run) and hands the sample file to the strategy as `poolPath`. Other pools are left as they are.
 */
export async function resolveLaionCocoPool(
  params: Record<string, string | number | boolean | null>,
  io: CliIo,
  quiet: boolean,
): Promise<void> {
  const pool = params.pool;
  if (typeof pool !== "string") return;
  const parsed = parseLaionCocoPool(pool);
  if (!parsed) return;
  if (!quiet)
    io.stderr(
      `pool ${pool}: sampling 80 LAION-COCO captions (seed ${parsed.seed}) from the hub, or reading the cached sample\n`,
    );
  const sample = await sampleLaionCoco({ seed: parsed.seed, hub: { env: io.env } });
  params.poolPath = sample.cacheFile;
}
