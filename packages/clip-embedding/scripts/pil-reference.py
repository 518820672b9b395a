#!/usr/bin/env python3
"""Reference CLIP preprocessing values with PIL, as OpenAI's clip.py does it:
Resize(224, BICUBIC) on the short side, CenterCrop(224), convert("RGB").

Run once with Debian's PIL (apt-get install python3-pil):
  /usr/bin/python3 packages/clip-embedding/scripts/pil-reference.py ../shared/datasets \
      > packages/clip-embedding/fixtures/pil-reference.json

With --squash (SigLIP; OpenCLIP's resize_mode "squash"): img.resize((224, 224), BICUBIC), no crop:
  /usr/bin/python3 packages/clip-embedding/scripts/pil-reference.py ../shared/datasets --squash \
      > packages/clip-embedding/fixtures/pil-reference-squash.json  (then: pnpm exec biome format --write it)

Writes, per image, the crop's per-channel means and 7x7 block means (32x32 blocks) and 32
sampled pixels, all on the 8-bit RGB crop before normalisation. No image data is stored.
"""
import json
import sys

from PIL import Image

N = 224
IMAGES = [
    "eurosat/images/AnnualCrop/AnnualCrop_1257.jpg",
    "eurosat/images/Forest/Forest_1.jpg",
    "eurosat/images/Highway/Highway_10.jpg",
    "eurosat/images/River/River_1.jpg",
    "oxford_flowers/images/image_06735.jpg",
    "oxford_flowers/images/image_06748.jpg",
    "imagenet_sample/images/n01440764/n01440764_tench.JPEG",
    "synthetic:500x375",
]


def synthetic(w, h):
    """The same pattern as the TypeScript test's gradientImage(w, h, seed=5)."""
    seed = 5
    img = Image.new("RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = tuple((x * (3 + c) + y * (5 + seed) + seed * 40 + ((x * y) % 31)) % 256 for c in range(3))
    return img


def resize_short(img):
    w, h = img.size
    if w <= h:
        size = (N, int(N * h / w))
    else:
        size = (int(N * w / h), N)
    if size == img.size:
        return img
    return img.resize(size, Image.BICUBIC)


def center_crop(img):
    w, h = img.size
    top = int(round((h - N) / 2.0))
    left = int(round((w - N) / 2.0))
    return img.crop((left, top, left + N, top + N))


def main(root, squash=False):
    out = {"tool": f"PIL {Image.__version__}", "size": N, "mode": "squash" if squash else "shortest", "images": []}
    for rel in IMAGES:
        if rel.startswith("synthetic:"):
            w, h = (int(v) for v in rel.split(":")[1].split("x"))
            img = synthetic(w, h)
        else:
            img = Image.open(f"{root}/{rel}")
        if squash:
            crop = (img if img.size == (N, N) else img.resize((N, N), Image.BICUBIC)).convert("RGB")
        else:
            crop = center_crop(resize_short(img)).convert("RGB")
        px = crop.load()
        means = [sum(px[x, y][c] for y in range(N) for x in range(N)) / (N * N) for c in range(3)]
        blocks = []
        for by in range(7):
            for bx in range(7):
                for c in range(3):
                    s = sum(px[bx * 32 + x, by * 32 + y][c] for y in range(32) for x in range(32))
                    blocks.append(round(s / 1024, 3))
        samples = []
        for i in range(32):
            x = (i * 37 + 11) % N
            y = (i * 53 + 7) % N
            samples.append([x, y, list(px[x, y])])
        out["images"].append(
            {"path": rel, "source_size": list(img.size), "means": [round(m, 3) for m in means], "blocks": blocks, "samples": samples}
        )
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--squash"]
    main(args[0] if args else "../shared/datasets", squash="--squash" in sys.argv)
