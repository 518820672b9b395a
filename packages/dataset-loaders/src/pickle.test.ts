import { copyFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DatasetFormatError, ParseError } from "@vlmopt/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { coopRelativePath } from "./coop-pickle.js";
import { jpeg, tempDir, write } from "./fixtures.test-helper.js";
import { loadDataset } from "./load-dataset.js";
import { PickleGlobal, PickleObject, unpickle } from "./pickle.js";
import { getDatasetInfo } from "./registry.js";
import { readFewShotFile } from "./split-file.js";

// Made once by scripts/make-pickle-fixtures.py (Python 3.11 pickle, stand-in dassl Datum class).
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string) => join(FIXTURES, name);
const EUROSAT_PKL = ["p2", "p4", "p5"].map((p) => fixture(`eurosat-shot_1-seed_1.${p}.pkl`));

const EUROSAT_1SHOT = {
  train: [
    ["AnnualCrop/AnnualCrop_1.jpg", 0, "Annual Crop Land"],
    ["Forest/Forest_1.jpg", 1, "Forest"],
  ],
  val: [
    ["AnnualCrop/AnnualCrop_2.jpg", 0, "Annual Crop Land"],
    ["Forest/Forest_2.jpg", 1, "Forest"],
  ],
};

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe("unpickle", () => {
  it("decodes CoOp's Datum pickles of protocols 2, 4 and 5 to the same records", () => {
    const values = EUROSAT_PKL.map((f) => unpickle(readFileSync(f), f));
    for (const value of values) {
      expect(value).toBeInstanceOf(Map);
      const train = (value as Map<unknown, unknown>).get("train") as PickleObject[];
      expect(train).toHaveLength(2);
      const datum = train[1] as PickleObject;
      expect(datum).toBeInstanceOf(PickleObject);
      expect(datum.cls).toEqual(new PickleGlobal("dassl.data.datasets.base_dataset", "Datum"));
      expect(datum.via).toBe("newobj");
      expect(Object.fromEntries(datum.attributes ?? [])).toEqual({
        _impath: "/home/author/data/eurosat/2750/Forest/Forest_1.jpg",
        _label: 1,
        _domain: 0,
        _classname: "Forest",
      });
    }
    // Protocol 2 uses GLOBAL/BINPUT/BINGET/BINUNICODE, 4 and 5 STACK_GLOBAL/MEMOIZE/FRAME/SHORT_BINUNICODE.
    expect(readFileSync(EUROSAT_PKL[0] as string)[1]).toBe(2);
    expect(readFileSync(EUROSAT_PKL[2] as string)[1]).toBe(5);
  });

  it("records REDUCE of any callable as data and never calls it", () => {
    // \x80\x02 c"os\nsystem\n" X<len>"echo hi" TUPLE1 REDUCE STOP
    const cmd = Buffer.from("echo hi");
    const bytes = Buffer.concat([
      Buffer.from([0x80, 2]),
      Buffer.from("cos\nsystem\n", "latin1"),
      Buffer.from([0x58, cmd.length, 0, 0, 0]),
      cmd,
      Buffer.from([0x85, 0x52, 0x2e]),
    ]);
    const value = unpickle(bytes) as PickleObject;
    expect(value).toBeInstanceOf(PickleObject);
    expect(value.via).toBe("reduce");
    expect(value.cls).toEqual(new PickleGlobal("os", "system"));
    expect(value.args).toEqual(["echo hi"]);
  });

  it("decodes numbers, floats, tuples, bytes and nested containers", () => {
    // {"a": (-2, 300, 70000, 2**70, 1.5, None, True, False, b"xy"), "b": [1, 2]} by hand (protocol 4)
    const bytes = Buffer.from([
      0x80, 4, 0x7d, 0x28, 0x8c, 1, 0x61, 0x28, 0x4a, 0xfe, 0xff, 0xff, 0xff, 0x4d, 0x2c, 0x01, 0x4a, 0x70,
      0x11, 0x01, 0x00, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x4e, 0x88,
      0x89, 0x43, 2, 0x78, 0x79, 0x74, 0x8c, 1, 0x62, 0x5d, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x75, 0x2e,
    ]);
    const value = unpickle(bytes) as Map<string, unknown>;
    expect(value.get("a")).toEqual([
      -2,
      300,
      70000,
      2n ** 70n,
      1.5,
      null,
      true,
      false,
      new Uint8Array([0x78, 0x79]),
    ]);
    expect(value.get("b")).toEqual([1, 2]);
  });

  it("names the opcode and offset of what it cannot read", () => {
    const at = (bytes: number[]) => {
      try {
        unpickle(Uint8Array.from(bytes), "x.pkl");
      } catch (error) {
        expect(ParseError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error("no error");
    };
    expect(at([0x80, 4, 0xff])).toBe("x.pkl: unknown opcode (opcode 0xff at offset 2)");
    expect(at([0x80, 2, 0x69])).toBe("x.pkl: unsupported opcode (opcode 0x69 'i' INST at offset 2)");
    expect(at([0x80, 4, 0x8f, 0x2e])).toMatch(/0x8f EMPTY_SET at offset 2/);
    expect(at([0x80, 4, 0x58, 9, 0, 0, 0, 0x61])).toMatch(/truncated.*BINUNICODE at offset 2/);
    expect(at([0x80, 4, 0x68, 3])).toMatch(/memo entry 3 is not defined \(opcode BINGET at offset 2\)/);
    expect(at([0x80, 4, 0x4e])).toMatch(/ended without STOP/);
    expect(at([0x80, 4, 0x65])).toMatch(/no MARK.*APPENDS at offset 2/);
    const good = readFileSync(EUROSAT_PKL[1] as string);
    expect(() => unpickle(good.subarray(0, 200))).toThrow(/truncated|ended without STOP/);
  });
});

describe("CoOp few-shot pickles", () => {
  it("reads each protocol's pickle as the same few-shot lists, paths relative to CoOp's image dir", async () => {
    for (const file of EUROSAT_PKL) {
      expect(await readFewShotFile(file, { dataset: "eurosat" })).toEqual(EUROSAT_1SHOT);
      // Without a dataset the image dir is recognised from any registry dataset's CoOp layout.
      expect(await readFewShotFile(file, { shots: 1, seed: 1 })).toEqual(EUROSAT_1SHOT);
    }
    const imagenet = await readFewShotFile(fixture("imagenet-shot_1-seed_1.p5.pkl"), { dataset: "imagenet" });
    expect(imagenet).toEqual({
      train: [
        ["train/n01440764/n01440764_10026.JPEG", 0, "tench"],
        ["train/n01443537/n01443537_10007.JPEG", 1, "goldfish"],
      ],
      val: [],
    });
  });

  it("maps CoOp's absolute paths by the dataset's image folder", () => {
    const layout = (name: string) => [getDatasetInfo(name).layout];
    expect(coopRelativePath("/d/eurosat/2750/Forest/Forest_1.jpg", layout("eurosat"))).toBe(
      "Forest/Forest_1.jpg",
    );
    expect(coopRelativePath("C:\\data\\eurosat\\2750\\River\\River_3.jpg", layout("eurosat"))).toBe(
      "River/River_3.jpg",
    );
    // A renamed dataset folder still maps through the image folder when the dataset is known.
    expect(coopRelativePath("/d/EuroSAT_RGB/2750/Forest/Forest_1.jpg", layout("eurosat"))).toBe(
      "Forest/Forest_1.jpg",
    );
    expect(coopRelativePath("/d/stanford_cars/cars_test/00001.jpg", layout("stanford_cars"))).toBe(
      "cars_test/00001.jpg",
    );
    expect(coopRelativePath("/d/other/Forest_1.jpg", layout("eurosat"))).toBeUndefined();
    expect(coopRelativePath("/d/eurosat/2750/../x.jpg", layout("eurosat"))).toBeUndefined();
  });

  it("an entry whose path cannot be mapped is a DatasetFormatError naming the file and entry", async () => {
    const file = fixture("eurosat-unmapped.p4.pkl");
    const error = await readFewShotFile(file, { dataset: "eurosat" }).catch((e: unknown) => e);
    expect(DatasetFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("fewshot-path-unmapped");
    expect((error as Error).message).toContain(`Entry train[1] /tmp/elsewhere/Forest_9.jpg of ${file}`);
    expect((error as Error).message).toContain("eurosat/2750/");
  });

  it("loads a split.json folder with CoOp's .pkl few-shot list; provenance names the pickle", async () => {
    const dir = join(tmp.dir, "mini");
    const names = ["Annual Crop Land", "Forest"];
    const split = { train: [] as unknown[], val: [] as unknown[], test: [] as unknown[] };
    for (const [label, folder] of ["AnnualCrop", "Forest"].entries()) {
      for (const [n, list] of [
        [1, split.train],
        [2, split.val],
        [3, split.test],
      ] as const) {
        write(join(dir, "images", folder, `${folder}_${n}.jpg`), await jpeg(label * 60 + n));
        list.push([`${folder}/${folder}_${n}.jpg`, label, names[label]]);
      }
    }
    write(join(dir, "split.json"), JSON.stringify(split));
    write(join(dir, "classnames.txt"), names.join("\n"));
    const pkl = join(dir, "split_fewshot", "shot_1-seed_1.pkl");
    write(pkl, "");
    copyFileSync(EUROSAT_PKL[2] as string, pkl);
    const ds = await loadDataset(dir, { root: dir, shots: 1, seed: 1 });
    expect(ds.splits.train).toEqual([
      { path: join(dir, "images/AnnualCrop/AnnualCrop_1.jpg"), label: 0 },
      { path: join(dir, "images/Forest/Forest_1.jpg"), label: 1 },
    ]);
    expect(ds.splits.val.map((i) => i.path)).toEqual([
      join(dir, "images/AnnualCrop/AnnualCrop_2.jpg"),
      join(dir, "images/Forest/Forest_2.jpg"),
    ]);
    expect(ds.provenance).toMatchObject({ shots: 1, seed: 1, fewshotFile: pkl });
    const report = await checkDataset(dir, dir);
    expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(report.counts.fewshotFiles).toBe(1);
  });
});
