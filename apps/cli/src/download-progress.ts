import { duration } from "./format.js";
import type { CliIo } from "./io.js";

/** One file's transfer, as dataset-loaders reports it (its TransferProgress). */
export interface TransferInfo {
  file: string;
  received: number;
  total: number | null;
  /** Bytes received in this session (a resumed part's earlier bytes excluded), for the rate. */
  sessionBytes: number;
  elapsedMs: number;
}

export const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

/** "EuroSAT.zip [#########...........] 47.1/94.3 MB · 5.2 MB/s · ETA 9s" (no bar or ETA without a total). */
export function transferLine(p: TransferInfo, width = 24): string {
  const name = p.file.split(/[\\/]/).pop() ?? p.file;
  const rate = p.elapsedMs > 0 ? (p.sessionBytes * 1000) / p.elapsedMs : 0;
  const speed = rate > 0 ? ` · ${mb(rate)}/s` : "";
  if (p.total === null || p.total <= 0) return `${name} ${mb(p.received)}${speed}`;
  const frac = Math.min(1, p.received / p.total);
  const filled = Math.round(frac * width);
  const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  const left = p.total - p.received;
  const eta = left <= 0 ? "0s" : rate > 0 ? duration(left / rate) : "?";
  return `${name} ${bar} ${(p.received / 1e6).toFixed(1)}/${mb(p.total)}${speed} · ETA ${eta}`;
}

/**
 * Download progress on stderr: on a TTY one line rewritten in place; otherwise a line every 5 s
 * and when a file completes. Returns the onProgress callback and `end()` to finish the line.
 */
export function downloadProgress(
  io: CliIo,
  quiet: boolean,
): { onProgress(p: TransferInfo): void; end(): void } {
  let last = 0;
  let open = false;
  return {
    onProgress(p) {
      if (quiet) return;
      const now = Date.now();
      const done = p.total !== null && p.received >= p.total;
      if (!done && now - last < (io.isTTY ? 200 : 5000)) return;
      last = now;
      if (io.isTTY) {
        io.stderr(`\r\x1b[K${transferLine(p)}${done ? "\n" : ""}`);
        open = !done;
      } else io.stderr(`${transferLine(p)}\n`);
    },
    end() {
      if (open) io.stderr("\n");
      open = false;
    },
  };
}
