import { processIo } from "./io.js";
import { run } from "./main.js";

// Ctrl-C: the first aborts the run (it writes what is done and says how to resume); a second exits now.
const controller = new AbortController();
process.on("SIGINT", () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write("\nstopping after writing what is done (Ctrl-C again to quit now)…\n");
  controller.abort(new Error("interrupted"));
});

const code = await run(process.argv.slice(2), processIo(controller.signal));
process.exitCode = code;
// Native model sessions can keep the event loop alive; leave once output is flushed.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
