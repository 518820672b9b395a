/**
 * `node packages/embedding-apis/dist/testing/serve-stand-in.js <jina|cohere|voyage|nomic|bedrock|vertex|vllm|infinity> [port-file]`:
 * runs a stand-in embedding server on 127.0.0.1 until Ctrl-C and prints its base URL, for trying
 * `vlmopt optimize --model jina:jina-clip-v2 --model-base-url <url>` without a key or network.
 */
import { writeFileSync } from "node:fs";
import { type StandInProtocol, startEmbeddingStandIn } from "./embedding-stand-in.js";

const protocol = (process.argv[2] ?? "jina") as StandInProtocol;
if (!["jina", "cohere", "voyage", "nomic", "bedrock", "vertex", "vllm", "infinity"].includes(protocol)) {
  process.stderr.write(
    `unknown protocol ${protocol}: give jina, cohere, voyage, nomic, bedrock, vertex, vllm or infinity\n`,
  );
  process.exit(2);
}
const server = await startEmbeddingStandIn({ protocol });
process.stdout.write(`${server.baseURL}\n`);
if (process.argv[3]) writeFileSync(process.argv[3], server.baseURL);
const stop = () => {
  process.stderr.write(`stand-in: ${JSON.stringify(server.counts)}\n`);
  void server.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
