import { describe, expect, it } from "vitest";
import { requestedClasses } from "./simulated-descriptions.js";
import { SimulatedProvider } from "./simulated-provider.js";

const request = (text: string) => ({ messages: [{ role: "user" as const, content: text }] });
const ask = [
  "Write 4 different one-sentence descriptions per class; every sentence must name the class.",
  'Answer with one section per class: a line "### <class name>" followed by its descriptions.',
  "",
  "Classes:",
  "### Forest",
  "### Sea Lake",
].join("\n");

describe("simulated provider: description requests", () => {
  it("answers each requested class with N descriptions in ### sections, deterministically", async () => {
    const llm = new SimulatedProvider({ seed: 2 });
    const a = await llm.generate(request(ask), { callId: "c1" });
    const b = await llm.generate(request(ask), { callId: "c1" });
    expect(a.texts).toEqual(b.texts);
    const text = a.texts[0] as string;
    expect(text.split("\n").filter((l) => l.startsWith("### "))).toEqual(["### Forest", "### Sea Lake"]);
    const forest =
      text
        .split("### Sea Lake")[0]
        ?.split("\n")
        .filter((l) => l.startsWith("- ")) ?? [];
    expect(forest).toHaveLength(4);
    expect(forest[0]).toContain("Forest");
    expect(llm.warning).toContain("not an LLM");
    const c = await llm.generate(request(ask), { callId: "c2" });
    expect(c.texts).not.toEqual(a.texts);
  });

  it("leaves template requests to the word-edit path", () => {
    expect(requestedClasses("Write a template for {} ...\n- a photo of a {}.")).toBeNull();
    expect(requestedClasses(ask)).toEqual(["Forest", "Sea Lake"]);
  });
});
