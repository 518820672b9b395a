import { pct, usd } from "../format-numbers.js";
import type { TurnView } from "../run-view/run-view.js";
import { Table } from "./table.js";

/** One LLM call: what it was shown, what it replied, what was parsed and scored, and any retry. */
export function Turn({ turn, open = false }: { turn: TurnView; open?: boolean }) {
  const best = turn.parsed.some((p) => p.newBest);
  const head = `Step ${turn.step} · LLM call ${turn.seq + 1}${turn.attempt > 1 ? ` · attempt ${turn.attempt}` : ""} · ${turn.parsed.length} template${turn.parsed.length === 1 ? "" : "s"} parsed`;
  return (
    <details class="turn" id={`turn-${turn.seq}`} open={open || undefined}>
      <summary>
        {head}
        {best && <span class="new-best"> · new best</span>}
        {turn.retry && <span class="retry"> · retried</span>}
        {turn.error && <span class="retry"> · error</span>}
      </summary>
      {turn.system !== null && (
        <>
          <div class="role">system</div>
          <pre class="message system">{turn.system}</pre>
        </>
      )}
      {turn.messages.map((m, i) => (
        <div key={i}>
          <div class="role">{m.role}</div>
          <pre class="message">{m.content}</pre>
        </div>
      ))}
      {turn.replies.map((r, i) => (
        <div key={`r${i}`}>
          <div class="role">{`reply${turn.replies.length > 1 ? ` ${i + 1}` : ""}${turn.cached ? " (from cache)" : ""}`}</div>
          <pre class="reply">{r}</pre>
        </div>
      ))}
      {turn.error && <p class="retry">{`The call failed: ${turn.error}`}</p>}
      {turn.parsed.length > 0 ? (
        <Table
          header={["parsed template", "train", "val", ""]}
          numeric={[1, 2]}
          rows={turn.parsed.map((p) => [
            p.label,
            pct(p.trainAccuracy),
            pct(p.valAccuracy),
            p.newBest ? (
              <span class="new-best">new best</span>
            ) : p.note ? (
              <span class="note">{p.note}</span>
            ) : (
              ""
            ),
          ])}
        />
      ) : (
        !turn.error && <p class="note">No template was parsed from the reply.</p>
      )}
      {turn.retry && <p class="retry">{`Retried: ${turn.retry}.`}</p>}
      {turn.usage && (
        <p class="muted">
          {`${turn.usage.inputTokens} input + ${turn.usage.outputTokens} output tokens, ${usd(turn.usage.costUsd)}${turn.durationMs !== null ? `, ${(turn.durationMs / 1000).toFixed(1)} s` : ""}`}
        </p>
      )}
    </details>
  );
}

export function Conversation({ turns }: { turns: readonly TurnView[] }) {
  if (turns.length === 0) return <p>This run made no LLM call.</p>;
  return (
    <div class="conversation">
      {turns.map((t) => (
        <Turn key={t.seq} turn={t} />
      ))}
    </div>
  );
}
