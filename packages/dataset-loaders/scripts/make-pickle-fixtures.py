"""Writes the CoOp-style few-shot pickles in src/fixtures/ (run once; tests read the files, never Python).

Usage (from packages/dataset-loaders): /usr/bin/python3 scripts/make-pickle-fixtures.py

CoOp (github.com/KaiyangZhou/CoOp) saves split_fewshot/shot_K-seed_S.pkl as
pickle.dump({"train": [Datum, ...], "val": [Datum, ...]}, f, protocol=pickle.HIGHEST_PROTOCOL)
where Datum is dassl.data.datasets.base_dataset.Datum (attributes _impath, _label, _domain, _classname).
A stand-in Datum with the same module path and attributes is defined in a temporary package here.
"""

import atexit
import os
import pickle
import shutil
import sys
import tempfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "fixtures")

tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)
pkg = os.path.join(tmp, "dassl", "data", "datasets")
os.makedirs(pkg)
for d in ["dassl", "dassl/data", "dassl/data/datasets"]:
    open(os.path.join(tmp, d, "__init__.py"), "w").close()
with open(os.path.join(pkg, "base_dataset.py"), "w") as f:
    f.write(
        "class Datum:\n"
        "    def __init__(self, impath='', label=0, domain=0, classname=''):\n"
        "        self._impath = impath\n"
        "        self._label = label\n"
        "        self._domain = domain\n"
        "        self._classname = classname\n"
    )
sys.path.insert(0, tmp)
from dassl.data.datasets.base_dataset import Datum  # noqa: E402

ROOT = "/home/author/data"


def eurosat(folder, n, label, name):
    return Datum(f"{ROOT}/eurosat/2750/{folder}/{folder}_{n}.jpg", label, 0, name)


eurosat_1shot = {
    "train": [
        eurosat("AnnualCrop", 1, 0, "Annual Crop Land"),
        eurosat("Forest", 1, 1, "Forest"),
    ],
    "val": [
        eurosat("AnnualCrop", 2, 0, "Annual Crop Land"),
        eurosat("Forest", 2, 1, "Forest"),
    ],
}
imagenet_1shot = {  # CoOp's ImageNet pickles hold only "train"
    "train": [
        Datum(f"{ROOT}/imagenet/images/train/n01440764/n01440764_10026.JPEG", 0, 0, "tench"),
        Datum(f"{ROOT}/imagenet/images/train/n01443537/n01443537_10007.JPEG", 1, 0, "goldfish"),
    ],
}
unmapped = {"train": [eurosat("Forest", 1, 1, "Forest"), Datum("/tmp/elsewhere/Forest_9.jpg", 1, 0, "Forest")]}

for name, value, protocol in [
    ("eurosat-shot_1-seed_1.p2.pkl", eurosat_1shot, 2),
    ("eurosat-shot_1-seed_1.p4.pkl", eurosat_1shot, 4),
    ("eurosat-shot_1-seed_1.p5.pkl", eurosat_1shot, 5),
    ("imagenet-shot_1-seed_1.p5.pkl", imagenet_1shot, 5),
    ("eurosat-unmapped.p4.pkl", unmapped, 4),
]:
    with open(os.path.join(OUT, name), "wb") as f:
        pickle.dump(value, f, protocol=protocol)
    print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")
