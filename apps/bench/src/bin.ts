import { processIo } from "./io.js";
import { run } from "./main.js";

const controller = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("\ninterrupted: finishing the current steps; run the same command again to resume\n");
  controller.abort();
});
process.exitCode = await run(process.argv.slice(2), processIo(), { signal: controller.signal });
