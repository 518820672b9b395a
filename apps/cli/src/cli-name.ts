import { inCliForm } from "@vlmopt/core";
import type { CliIo } from "./io.js";

export { cliName, inCliForm, inReadmeForm } from "@vlmopt/core";

/** `io` whose stderr (errors, hints, "resume with: …") names commands in the form that works. */
export function withCliForm(io: CliIo, program = "vlmopt"): CliIo {
  return { ...io, stderr: (text) => io.stderr(inCliForm(text, io.env, program)) };
}
