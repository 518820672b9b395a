import { meaninglessBanner } from "./labels.js";
import type { SuiteIdentity } from "./types.js";

/** "CLIP model <id> (sha256 <hash>); LLM <provider>:<model>" plus warnings: the line every table carries. */
export function identityLine(identity: SuiteIdentity): string {
  const { model, llm } = identity;
  const parts = [
    `CLIP model ${model.id}${model.spec !== model.id ? ` (from "${model.spec}")` : ""}, file hash sha256:${model.hash}`,
    `LLM ${llm.provider}:${llm.modelId}${llm.warning ? ` (${llm.warning})` : ""}`,
  ];
  if (identity.meaningless) parts.push(identity.meaningless);
  return parts.join("; ");
}

/** The warning lines an output starts with (empty when the model is real and the LLM is real). */
export function warningLines(identity: SuiteIdentity): string[] {
  const out: string[] = [];
  if (identity.meaningless) out.push(meaninglessBanner(identity.meaningless));
  if (identity.llm.warning)
    out.push(`LLM ${identity.llm.provider}:${identity.llm.modelId}: ${identity.llm.warning}`);
  return out;
}
