import { ConfigError } from "@vlmopt/core";
import { defineRun } from "../command-context.js";
import { uiSpec } from "../command-specs.js";
import { shownPath } from "../format.js";
import { absolutePath } from "../run-setup.js";
import { storeUrlOf } from "../shared-store.js";
import { DirectoryRunSource } from "../ui/directory-source.js";
import { PostgresRunSource } from "../ui/postgres-source.js";
import type { RunSource } from "../ui/run-source.js";
import { startUiServer } from "../ui/server.js";

export const uiCommand = defineRun(uiSpec, {
  async run(parsed, { io }) {
    const s = parsed.settings;
    const root = absolutePath(io.cwd, s.runs ?? "runs");
    const port = s.port ?? 8787;
    const host = s.host ?? "127.0.0.1";
    const token = s.token ?? io.env.VLMOPT_UI_TOKEN;
    // --store, else VLMOPT_STORE unless --runs was given: the store's runs; else the folder.
    const storeUrl =
      parsed.flags.store !== undefined || parsed.flags.runs === undefined
        ? storeUrlOf(parsed.flags.store, io)
        : null;
    const pg = storeUrl ? await PostgresRunSource.open(storeUrl) : null;
    const source: RunSource = pg ?? new DirectoryRunSource(root);
    const server = await startUiServer({
      source,
      host,
      port,
      ...(token ? { token } : {}),
    }).catch(async (error: NodeJS.ErrnoException) => {
      await pg?.close();
      if (error.code === "EADDRINUSE")
        throw new ConfigError(`port ${port} on ${host} is in use`, {
          hint: "pass --port <n> (or --port 0 for any free one)",
        });
      throw error;
    });
    const url = token ? `${server.url}?token=${encodeURIComponent(token)}` : server.url;
    io.stdout(
      `vlmopt ui on ${url} (read-only; runs in ${pg ? pg.location : shownPath(io.cwd, root)}). Ctrl-C stops it.\n`,
    );
    await new Promise<void>((done) => {
      if (!io.signal) return;
      if (io.signal.aborted) done();
      else io.signal.addEventListener("abort", () => done(), { once: true });
    });
    await server.close();
    await pg?.close();
    return 0;
  },
});
