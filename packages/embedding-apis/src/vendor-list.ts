import type { EmbeddingVendorDescription } from "./vendor-description.js";
import { bedrock } from "./vendors/bedrock-vendor.js";
import { cohere } from "./vendors/cohere-vendor.js";
import { jina } from "./vendors/jina-vendor.js";
import { nomic } from "./vendors/nomic-vendor.js";
import { openaiCompatibleEmbed } from "./vendors/openai-compatible-embed-vendor.js";
import { vertex } from "./vendors/vertex-vendor.js";
import { voyage } from "./vendors/voyage-vendor.js";

/** Every vendor description, one line each; a new vendor = one module in vendors/ + one entry here. */
export const VENDOR_DESCRIPTIONS: readonly EmbeddingVendorDescription[] = [
  jina,
  cohere,
  voyage,
  nomic,
  bedrock,
  vertex,
  openaiCompatibleEmbed,
];

/** The description of a vendor prefix (parsed specs name only known prefixes). */
export function vendorDescription(prefix: string): EmbeddingVendorDescription {
  const found = VENDOR_DESCRIPTIONS.find((d) => d.prefix === prefix);
  if (!found) throw new Error(`no embedding vendor ${JSON.stringify(prefix)}`);
  return found;
}
