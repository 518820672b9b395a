import { packageVersion } from "@vlmopt/cli-kit";

/** This package's version (read from package.json, beside both src/ and dist/). */
export const VERSION: string = packageVersion(new URL("../package.json", import.meta.url));
