import { homedir } from "node:os";
import { join } from "node:path";

/** vlmopt's cache folder: `VLMOPT_CACHE_DIR`, else `$XDG_CACHE_HOME/vlmopt`, else `~/.cache/vlmopt`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VLMOPT_CACHE_DIR) return env.VLMOPT_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "vlmopt");
}

/** The HF hub cache: `HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
export function hfHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "huggingface");
  return join(home, "hub");
}
