import { accessSync, constants, realpathSync, statfsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { invalidValue, type UsageError } from "./usage-error.js";

/** Kernel pseudo-filesystems by path: what is written there is not kept (and mkdir may never return). */
const PSEUDO_DIRS = ["/proc", "/sys", "/dev"];

/**
 * Pseudo-filesystems by statfs f_type, from the kernel's include/uapi/linux/magic.h
 * (/usr/include/linux/magic.h): PROC_SUPER_MAGIC, SYSFS_MAGIC, DEVPTS_SUPER_MAGIC,
 * CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC, SECURITYFS_MAGIC,
 * BPF_FS_MAGIC, NSFS_MAGIC. /dev is usually a devtmpfs (the same f_type as a /tmp tmpfs), hence
 * the path check as well.
 */
const PSEUDO_FS_TYPES = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x1cd1, "devpts"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0xcafe4a11, "bpf"],
  [0x6e736673, "nsfs"],
]);

/** The file-system questions the check asks; tests inject their own. */
export interface OutputProbe {
  /** The statfs f_type of an existing path, or null when unknown. */
  fsType(path: string): number | null;
  /** Whether files can be made in an existing directory (false on a read-only mount, too). */
  writable(dir: string): boolean;
}

export const DEFAULT_PROBE: OutputProbe = {
  fsType(path) {
    try {
      return statfsSync(path).type;
    } catch {
      return null;
    }
  },
  writable(dir) {
    try {
      // access(2) also answers EROFS for a read-only mount, even to root.
      accessSync(dir, constants.W_OK | constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

function pseudoDirOf(path: string): string | undefined {
  return PSEUDO_DIRS.find((d) => under(path, d));
}

/** What stat says of a path: a directory, a file (anything else), or nothing there. */
function kindOf(path: string): "dir" | "file" | "none" {
  try {
    return statSync(path).isDirectory() ? "dir" : "file";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; that parent is found one level up.
    if (code === "ENOENT" || code === "ENOTDIR") return "none";
    return "file";
  }
}

/**
 * Checks, before anything is loaded or written, that `path` can become (or already is) a
 * directory vlmopt writes into: not a file, not under a file, not on a pseudo-filesystem (/proc,
 * /sys, /dev — Node's recursive mkdir can loop forever there), and on a writable mount. Throws a
 * usage error naming `option` ("--out", "--run-dir"). Makes nothing.
 */
export function outputDirProblem(
  cwd: string,
  path: string,
  option: string,
  probe: OutputProbe = DEFAULT_PROBE,
): UsageError | null {
  const bad = (why: string) => invalidValue(option, path, `a directory vlmopt can write to: ${why}`);
  const abs = resolve(cwd, path);
  const pseudo = pseudoDirOf(abs);
  if (pseudo) return bad(`${pseudo} is a kernel pseudo-filesystem; choose a directory on disk`);
  let existing = abs;
  let kind = kindOf(existing);
  while (kind === "none" && dirname(existing) !== existing) {
    existing = dirname(existing);
    kind = kindOf(existing);
  }
  if (kind === "file") {
    return bad(
      existing === abs ? `${abs} is a file` : `${existing} is a file, so ${abs} cannot be made under it`,
    );
  }
  let real = existing;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing;
  }
  const realPseudo = pseudoDirOf(real);
  if (realPseudo) return bad(`${existing} is on ${realPseudo}, a kernel pseudo-filesystem`);
  const type = probe.fsType(real);
  const fsName = type === null ? undefined : PSEUDO_FS_TYPES.get(type);
  if (fsName) return bad(`${existing} is on a ${fsName} pseudo-filesystem; choose a directory on disk`);
  if (!probe.writable(real)) {
    return bad(`${existing} is not writable (permissions or a read-only mount)`);
  }
  return null;
}

/** `outputDirProblem`, thrown. */
export function checkOutputDir(
  cwd: string,
  path: string,
  option: string,
  probe: OutputProbe = DEFAULT_PROBE,
): void {
  const problem = outputDirProblem(cwd, path, option, probe);
  if (problem) throw problem;
}
