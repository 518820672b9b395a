#!/usr/bin/env python3
"""CLIP ViT-B/32's architecture in PyTorch on CPU (random weights), timed on pre-made tensors.

Called by bench-clip.ts: python3 torch-clip-bench.py THREADS IMAGES IMAGE_BATCH TEXT_LENGTHS_JSON TEXT_BATCH
Prints one JSON line {"img_per_s": .., "txt_per_s": .., "torch": version}.
"""
import json
import sys
import time

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, width, heads, mlp):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, mlp)
        self.fc2 = nn.Linear(mlp, width)

    def forward(self, x, mask=None, pad=None):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, key_padding_mask=pad, need_weights=False)[0]
        m = self.fc1(self.ln2(x))
        return x + self.fc2(m * torch.sigmoid(1.702 * m))


class Vision(nn.Module):
    def __init__(self, width=768, layers=12, heads=12, mlp=3072, patch=32, size=224, proj=512):
        super().__init__()
        self.conv = nn.Conv2d(3, width, patch, patch, bias=False)
        self.cls = nn.Parameter(torch.randn(width) * 0.02)
        self.pos = nn.Parameter(torch.randn((size // patch) ** 2 + 1, width) * 0.02)
        self.pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList(Block(width, heads, mlp) for _ in range(layers))
        self.post = nn.LayerNorm(width)
        self.proj = nn.Linear(width, proj, bias=False)

    def forward(self, px):
        x = self.conv(px).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], 1) + self.pos
        x = self.pre(x)
        for b in self.blocks:
            x = b(x)
        return self.proj(self.post(x[:, 0]))


class Text(nn.Module):
    def __init__(self, vocab=49408, width=512, layers=12, heads=8, mlp=2048, ctx=77, proj=512):
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.randn(ctx, width) * 0.01)
        self.blocks = nn.ModuleList(Block(width, heads, mlp) for _ in range(layers))
        self.ln = nn.LayerNorm(width)
        self.proj = nn.Linear(width, proj, bias=False)

    def forward(self, ids, pad):
        s = ids.shape[1]
        x = self.tok(ids) + self.pos[:s]
        mask = torch.full((s, s), float("-inf")).triu(1)
        for b in self.blocks:
            x = b(x, mask, pad)
        x = self.ln(x)
        return self.proj(x[torch.arange(x.shape[0]), ids.argmax(-1)])


def main():
    threads, images, image_batch, lengths, text_batch = (
        int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5]))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    # Debian's torch uses whatever BLAS update-alternatives points to; the netlib reference BLAS
    # is ~20x slower than OpenBLAS (apt-get install libopenblas0-pthread), so measure it.
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    a @ b
    t0 = time.perf_counter()
    for _ in range(3):
        a @ b
    gemm = 3 * 2 * 1024**3 / (time.perf_counter() - t0) / 1e9
    if gemm < 30:
        images, lengths = min(images, 32), lengths[:128]
    vision, text = Vision().eval(), Text().eval()
    with torch.inference_mode():
        vision(torch.randn(2, 3, 224, 224))
        batches = [torch.randn(min(image_batch, images - i), 3, 224, 224) for i in range(0, images, image_batch)]
        t0 = time.perf_counter()
        for b in batches:
            vision(b)
        img_s = images / (time.perf_counter() - t0)
        tbatches = []
        for i in range(0, len(lengths), text_batch):
            ls = lengths[i:i + text_batch]
            s = max(ls)
            ids = torch.full((len(ls), s), 49407, dtype=torch.long)
            pad = torch.ones((len(ls), s), dtype=torch.bool)
            for r, n in enumerate(ls):
                ids[r, 0] = 49406
                ids[r, 1:n - 1] = torch.randint(0, 49000, (n - 2,))
                pad[r, :n] = False
            tbatches.append((ids, pad))
        text(*tbatches[0])
        t0 = time.perf_counter()
        for ids, pad in tbatches:
            text(ids, pad)
        txt_s = len(lengths) / (time.perf_counter() - t0)
    print(json.dumps({"img_per_s": img_s, "txt_per_s": txt_s, "torch": torch.__version__,
                      "gemm_gflops": round(gemm, 1), "images": images, "texts": len(lengths)}))


if __name__ == "__main__":
    main()
