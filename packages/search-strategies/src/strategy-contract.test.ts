import { createStrategy, STRATEGIES } from "./plugins.js";
import { searchStrategyContract } from "./testing/strategy-contract.js";

// Every registered strategy, with its default parameters.
for (const name of Object.keys(STRATEGIES)) {
  searchStrategyContract({ name, create: () => createStrategy(name, {}, { datasetName: "contract" }) });
}
