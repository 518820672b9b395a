#!/usr/bin/env bash
# GPU check for a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9 (not runnable on the CPU-only
# development machines of this project). From the repository root:
#   bash packages/clip-embedding/scripts/gpu-check.sh [cuda:N]
# 1. checks that a GPU is visible and that onnxruntime-node has its CUDA provider library;
# 2. runs bench:clip on the ViT-B/32 and RN50 shapes on the GPU ((a) vlmopt vs (b) bare
#    session.run, fp32 and int8), and prints the table and the JSON line.
set -euo pipefail
device="${1:-cuda}"
cd "$(dirname "$0")/../../.."

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L; then
  echo "error: no NVIDIA GPU visible (nvidia-smi -L failed)" >&2
  exit 2
fi
ort_dir="$(cd packages/clip-embedding && node -p 'require("node:path").dirname(require.resolve("onnxruntime-node/package.json"))')"
lib="$ort_dir/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so"
if [ ! -f "$lib" ]; then
  cat >&2 <<MSG
error: $lib is absent: onnxruntime-node was installed without its CUDA provider.
Install it with internet (its install script downloads the CUDA 12 build):
  (cd "$ort_dir" && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js)
or allow onnxruntime-node's build in pnpm-workspace.yaml (allowBuilds) and run
  ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm install
MSG
  exit 2
fi
pnpm bench:clip --device "$device" --model random:vit-b32,random:rn50 --int8 --images 256 --prompts 1000 \
  --skip-transformers --skip-torch
