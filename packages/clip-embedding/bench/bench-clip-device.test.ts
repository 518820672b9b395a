import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPackageIfStale } from "../src/build-for-tests.js";
import { cudaProviderLibrary } from "../src/onnx-clip-encoder.js";

// `pnpm bench:clip --device cuda` (the GPU check, scripts/gpu-check.sh) as a user runs it, on a
// machine without onnxruntime-node's CUDA provider library, as this project's machines are.
const cudaInstalled = existsSync(cudaProviderLibrary());
if (cudaInstalled)
  console.warn(
    "[clip-embedding] the CUDA provider library is installed here: the missing-library error is not tested",
  );

describe.skipIf(cudaInstalled)("bench:clip --device cuda without the CUDA execution provider", () => {
  let bin: string;
  beforeAll(() => {
    bin = buildPackageIfStale("dist/bench/bench-clip.js", ["bench/bench-clip.ts"]);
  });

  it("exits 2 with exactly that error, before loading any model", () => {
    for (const device of ["cuda", "cuda:1"]) {
      const r = spawnSync(process.execPath, [bin, "--device", device, "--model", "random:tiny"], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(
        `bench:clip: --device ${device}: onnxruntime-node's CUDA execution provider is not installed (${cudaProviderLibrary()} is absent)`,
      );
      expect(r.stderr).toMatch(
        /hint: Reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 .*CUDA 12 and cuDNN 9/,
      );
      expect(r.stderr).not.toMatch(/ready in/);
      expect(r.stdout).toBe("");
    }
  });
});
