import type { EmbeddingVendorDescription } from "../vendor-description.js";

export const bedrock: EmbeddingVendorDescription = {
  prefix: "bedrock",
  // Credentials come from the AWS SDK's chain (profile, SSO, roles, AWS_ACCESS_KEY_ID): no key check.
  keyVariable: "AWS_ACCESS_KEY_ID",
  keyRequired: false,
  baseUrlVariable: "BEDROCK_BASE_URL",
  // The region's endpoint, chosen by the SDK (see vendors/bedrock.ts).
  defaultBase: null,
  form: "bedrock:<model id>[?dimensions=256|384|1024]",
  description:
    "Amazon Bedrock InvokeModel (official AWS SDK), e.g. bedrock:amazon.titan-embed-image-v1 (AWS credentials and region from the SDK chain; BEDROCK_BASE_URL)",
  // Prices: see prices.ts for the sources.
  prices: { "amazon.titan-embed-image-v1": null },
  defaultBaseURL: async (env) => (await import("./bedrock.js")).bedrockDefaultEndpoint(env),
  async protocol(c) {
    const m = await import("./bedrock.js");
    const protocol = await m.createBedrockProtocol({
      model: c.model,
      baseURL: c.baseURL,
      ...(c.endpoint ? { endpoint: c.endpoint } : {}),
      env: c.env,
      dimensions: c.dimensions,
      timeoutMs: c.timeoutMs,
      ...(c.limits ? { limits: c.limits } : {}),
    });
    return { protocol, dim: c.dimensions ?? m.BEDROCK_MODEL_DIMS[c.model] };
  },
};
