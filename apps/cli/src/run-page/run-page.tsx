import { duration, int, pct, usd } from "../format-numbers.js";
import type { RunView } from "../run-view/run-view.js";
import { AccuracyChart } from "./accuracy-chart.js";
import { ClassBars } from "./class-bars.js";
import { Conversation } from "./conversation.js";
import { PromptSetDetails } from "./prompt-set-details.js";
import { Table } from "./table.js";
import { TEMPLATE_HEADER, templateRows } from "./template-rows.js";

/** "+3.2 pts" / "−1.0 pts" / "—": the chosen template's gain over a baseline. */
function Gain({ chosen, base }: { chosen: number | null | undefined; base: number | null }) {
  if (chosen === null || chosen === undefined || base === null) return <span>—</span>;
  const d = (chosen - base) * 100;
  return (
    <span
      class={Math.abs(d) < 0.05 ? "gain-zero" : d > 0 ? "gain-pos" : "gain-neg"}
    >{`${d < 0 && Math.abs(d) >= 0.05 ? "−" : "+"}${Math.abs(d).toFixed(1)} pts`}</span>
  );
}

/**
 * The run page: the one rendering of a run, used by report.html (rendered to a string, no
 * scripts) and by `vlmopt ui` (rendered live in the browser). Every template, reply and class
 * name is a text child, so Preact escapes it: nothing from a run is ever parsed as HTML.
 */
export function RunPage({ view }: { view: RunView }) {
  const c = view.chosen;
  const cost = view.cost;
  return (
    <article class="run-page" data-run={view.id}>
      <h1>{`vlmopt run ${view.runId}`}</h1>
      {view.warnings.map((w) => (
        <div class="warning" key={w}>{`Warning: ${w}`}</div>
      ))}
      <Table id="summary" header={["run", "value"]} rows={view.summary} />

      <h2>Chosen template</h2>
      {c ? (
        <>
          <Table
            id="chosen"
            header={[c.ensemble ? "ensemble of" : "template", "train", "val", "test"]}
            rows={[
              [
                c.labels.join(" + "),
                pct(c.trainAccuracy),
                pct(c.valAccuracy),
                c.testAccuracy === null ? "not scored" : pct(c.testAccuracy),
              ],
            ]}
            numeric={[1, 2, 3]}
          />
          <p class="origin" id="origin">{`Origin: ${c.origin}.`}</p>
          {c.promptSets.length > 0 && (
            <div id="prompt-sets">
              <h3>{c.promptSets.length > 1 ? "Chosen descriptions, per set" : "Chosen descriptions"}</h3>
              {c.promptSets.map((set) => (
                <PromptSetDetails key={set.key} set={set} />
              ))}
            </div>
          )}
        </>
      ) : (
        <p>None chosen yet (the run has not finished, or scored nothing).</p>
      )}

      <h2>Baselines</h2>
      {view.baselines.length ? (
        <Table
          id="baselines"
          header={[
            "baseline",
            "template",
            "train",
            "val",
            "test",
            "gain (train)",
            "gain (val)",
            "gain (test)",
          ]}
          numeric={[2, 3, 4, 5, 6, 7]}
          rows={view.baselines.map((b) => [
            b.label,
            b.templateLabel,
            pct(b.trainAccuracy),
            pct(b.valAccuracy),
            b.testAccuracy === null ? "not scored" : pct(b.testAccuracy),
            <Gain key="tr" chosen={c?.trainAccuracy} base={b.trainAccuracy} />,
            <Gain key="va" chosen={c?.valAccuracy} base={b.valAccuracy} />,
            <Gain key="te" chosen={c?.testAccuracy} base={b.testAccuracy} />,
          ])}
        />
      ) : (
        <p>No baseline was scored in this run.</p>
      )}

      <h2>Accuracy vs LLM calls</h2>
      {view.chart.pool.length + view.chart.proposals.length ? (
        <AccuracyChart chart={view.chart} />
      ) : (
        <p>No candidate scored yet.</p>
      )}

      <h2>Conversation with the LLM</h2>
      <Conversation turns={view.turns} />

      <h2>Per-class test accuracy of the chosen template</h2>
      {view.perClass ? (
        <div id="per-class">
          <ClassBars classes={view.perClass} />
        </div>
      ) : (
        <p>The test split was not scored.</p>
      )}
      {view.confused.length > 0 && (
        <>
          <h2>Most-confused class pairs (test)</h2>
          <Table
            id="confused"
            header={["true class", "predicted as", "images", "share of the class"]}
            numeric={[2, 3]}
            rows={view.confused.map((p) => [p.actual, p.predicted, String(p.count), pct(p.share)])}
          />
        </>
      )}

      <h2>Cost and time</h2>
      <Table
        id="cost"
        header={["item", "value"]}
        rows={[
          ["LLM calls", `${cost.llmCalls}${cost.cachedCalls ? ` (${cost.cachedCalls} from cache)` : ""}`],
          [
            "Tokens",
            `${int(cost.inputTokens + cost.outputTokens)} (input ${int(cost.inputTokens)}, output ${int(cost.outputTokens)})`,
          ],
          ["LLM cost", usd(cost.llmUsd)],
          ["Embedding cost", `${usd(cost.embeddingUsd)} — ${cost.embeddingNote}`],
          ["Templates scored", String(cost.evaluations)],
          [
            "Wall time",
            cost.wallMs === null
              ? "—"
              : `${duration(cost.wallMs / 1000)}${cost.sessions > 1 ? ` over ${cost.sessions} sessions` : ""}`,
          ],
          ["Stop reason", cost.stop],
        ]}
      />

      <h2>Parameters</h2>
      <Table id="params" header={["parameter", "value"]} rows={view.params} />

      {view.transfers.length > 0 && (
        <>
          <h2>Transfer to other CLIP backbones</h2>
          <Table
            id="transfers"
            header={["backbone", "chosen: train", "val", "test", "best template there", "its train", "file"]}
            numeric={[1, 2, 3, 5]}
            rows={view.transfers.map((t) => [
              t.warning ? `${t.model} (${t.warning})` : t.model,
              pct(t.chosen?.trainAccuracy),
              pct(t.chosen?.valAccuracy),
              t.chosen?.testAccuracy === null || !t.chosen ? "not scored" : pct(t.chosen.testAccuracy),
              t.best?.label ?? "—",
              pct(t.best?.trainAccuracy),
              t.file,
            ])}
          />
        </>
      )}

      <h2>Top templates</h2>
      <Table id="top" header={TEMPLATE_HEADER} numeric={[0, 1, 2, 3]} rows={templateRows(view.top)} />
      <h2>Bottom templates</h2>
      <Table id="bottom" header={TEMPLATE_HEADER} numeric={[0, 1, 2, 3]} rows={templateRows(view.bottom)} />
    </article>
  );
}
