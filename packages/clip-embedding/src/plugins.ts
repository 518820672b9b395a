/**
 * The built-in backbone families. A light module: no onnxruntime, no sharp, no graph builder at
 * top level (each entry imports its loader inside `create()`). Listing order is `vlmopt models
 * list`'s; a prefix (random:) is matched before any `matches` test. A new family = one file in
 * src/plugins/ plus one line here.
 */
import type { BackbonePlugin } from "@vlmopt/core";
import { generatedBackbone } from "./plugins/generated.js";
import { hubRepoBackbone } from "./plugins/hub-repo.js";
import { localFolderBackbone } from "./plugins/local-folder.js";
import { shortIdBackbone } from "./plugins/short-ids.js";

export const backbonePlugins: readonly BackbonePlugin[] = [
  shortIdBackbone,
  generatedBackbone,
  localFolderBackbone,
  hubRepoBackbone,
];
