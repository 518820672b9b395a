import { afterEach, describe, expect, it } from "vitest";
import { type FakeLlmServer, startFakeLlmServer } from "./fake-llm-server.js";

let server: FakeLlmServer | undefined;
afterEach(() => server?.close());

describe("startFakeLlmServer", () => {
  it("accepts x-api-key and Bearer keys, records requests and answers in both wire formats", async () => {
    server = await startFakeLlmServer({ requireApiKey: "k" });
    const post = (path: string, headers: Record<string, string>, body: unknown) =>
      fetch(`${server?.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const a = await post(
      "/v1/messages",
      { "x-api-key": "k" },
      { model: "claude", messages: [], max_tokens: 5 },
    );
    expect(a.status).toBe(200);
    const aj = (await a.json()) as Record<string, unknown>;
    expect(aj).toMatchObject({ type: "message", role: "assistant", stop_reason: "end_turn" });
    expect(aj.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    const o = await post(
      "/v1/chat/completions",
      { authorization: "Bearer k" },
      { model: "gpt", messages: [], n: 2 },
    );
    const oj = (await o.json()) as { object: string; choices: { finish_reason: string }[]; usage: object };
    expect(oj.object).toBe("chat.completion");
    expect(oj.choices).toHaveLength(2);
    expect(oj.choices[0]?.finish_reason).toBe("stop");
    expect(oj.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: expect.any(Number),
    });
    const denied = await post("/v1/messages", { "x-api-key": "wrong" }, {});
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(server.requests.map((r) => [r.protocol, r.apiKey])).toEqual([
      ["anthropic", "k"],
      ["openai", "k"],
      ["anthropic", "wrong"],
    ]);
  });

  it("answers from a reply function", async () => {
    server = await startFakeLlmServer({ reply: (_req, i) => ({ type: "text", texts: [`call ${i}`] }) });
    const r = await fetch(`${server.openaiBaseURL}/chat/completions`, { method: "POST", body: "{}" });
    expect(
      ((await r.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
    ).toBe("call 0");
  });
});
