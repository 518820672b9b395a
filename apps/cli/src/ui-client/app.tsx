import { useEffect, useState } from "preact/hooks";
import { pct } from "../format-numbers.js";
import { RunPage } from "../run-page/run-page.js";
import { Table } from "../run-page/table.js";
import type { RunSummary, RunView } from "../run-view/run-view.js";
import type { SuiteSummary, SuiteView } from "../ui/suite-view.js";
import { getJson, hrefOf, parseHash } from "./api.js";
import { CurvesChart } from "./curves-chart.js";

/** Loads `path` again whenever `version` changes (a server-sent event said the runs changed). */
function useJson<T>(path: string | null, version: number): { data: T | null; error: string | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    if (!path) return;
    let live = true;
    getJson<T>(path).then(
      (data) => live && setState({ data, error: null }),
      (e: Error) => live && setState((s) => ({ data: s.data, error: e.message })),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  return state;
}

function RunList({ version }: { version: number }) {
  const runs = useJson<RunSummary[]>("/api/runs", version);
  const suites = useJson<SuiteSummary[]>("/api/suites", version);
  const [picked, setPicked] = useState<string[]>([]);
  if (runs.error) return <p class="warning">{`Cannot list runs: ${runs.error}`}</p>;
  if (!runs.data) return <p>Loading…</p>;
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return (
    <>
      <h2>Runs</h2>
      {runs.data.length === 0 ? (
        <p>No run here yet: start one with `vlmopt optimize --run-dir` inside this folder.</p>
      ) : (
        <>
          <p>
            <a
              class="compare-link"
              href={hrefOf("compare", { ids: picked.join(",") })}
              aria-disabled={picked.length < 2}
            >
              {`Compare the ${picked.length} picked runs`}
            </a>
            {" · "}
            <a href={hrefOf("compare", { ids: runs.data.map((r) => r.id).join(",") })}>compare all</a>
          </p>
          <table id="runs">
            <thead>
              <tr>
                {[
                  "",
                  "run",
                  "dataset",
                  "strategy",
                  "LLM",
                  "status",
                  "LLM calls",
                  "scored",
                  "best train",
                  "test",
                ].map((h) => (
                  <th key={h}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.data.map((r) => (
                <tr key={r.id} data-id={r.id} class={`status-${r.status.state}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`pick ${r.id}`}
                      checked={picked.includes(r.id)}
                      onChange={() => toggle(r.id)}
                    />
                  </td>
                  <td>
                    <a href={hrefOf("run", { id: r.id })}>{r.id || r.runId}</a>
                  </td>
                  <td>{`${r.dataset}${r.seed !== null ? ` (seed ${r.seed})` : ""}`}</td>
                  <td>{r.strategy}</td>
                  <td>{r.llm}</td>
                  <td class="status">{r.status.state}</td>
                  <td class="num calls">{String(r.llmCalls)}</td>
                  <td class="num scored">{String(r.scored)}</td>
                  <td class="num">{pct(r.bestTrain)}</td>
                  <td class="num">{pct(r.chosenTest)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Bench suites</h2>
      {suites.data?.length ? (
        <Table
          id="suites"
          header={["suite", "name", "CLIP model", "records", "created"]}
          rows={suites.data.map((s) => [
            <a key="a" href={hrefOf("suite", { id: s.id })}>
              {s.id || "(this folder)"}
            </a>,
            s.suite,
            s.model,
            String(s.records),
            s.createdAt,
          ])}
        />
      ) : (
        <p>No vlmopt-bench suite in this folder.</p>
      )}
    </>
  );
}

function LiveRun({ id, version }: { id: string; version: number }) {
  const { data, error } = useJson<RunView>(`/api/run?id=${encodeURIComponent(id)}`, version);
  if (error && !data) return <p class="warning">{`Cannot load run: ${error}`}</p>;
  if (!data) return <p>Loading…</p>;
  return (
    <>
      <p class="live-status" data-state={data.status.state}>
        {data.status.state === "running"
          ? "Live: this page updates as the run appends events."
          : `Status: ${data.status.text}`}
      </p>
      <RunPage view={data} />
    </>
  );
}

function Compare({ ids, version }: { ids: string[]; version: number }) {
  const runs = useJson<RunSummary[]>("/api/runs", version);
  if (!runs.data) return <p>Loading…</p>;
  const chosen = runs.data.filter((r) => ids.includes(r.id));
  if (chosen.length === 0) return <p>Pick runs to compare on the run list.</p>;
  const series = chosen.map((r) => ({
    id: r.id,
    label: `${r.id}: ${r.strategy} on ${r.dataset}`,
    group: `${r.dataset} · ${r.strategy}`,
    curve: r.curve,
  }));
  return (
    <>
      <h2>{`Compare ${chosen.length} runs`}</h2>
      <p class="muted">
        Best train accuracy so far against LLM calls; runs of one dataset and strategy (seeds) also show their
        mean ± std.
      </p>
      <CurvesChart series={series} />
      <Table
        id="compare-table"
        header={["run", "dataset", "seed", "strategy", "LLM calls", "best train", "test"]}
        numeric={[4, 5, 6]}
        rows={chosen.map((r) => [
          <a key="a" href={hrefOf("run", { id: r.id })}>
            {r.id}
          </a>,
          r.dataset,
          r.seed === null ? "—" : String(r.seed),
          r.strategy,
          String(r.llmCalls),
          pct(r.bestTrain),
          pct(r.chosenTest),
        ])}
      />
    </>
  );
}

function Suite({ id, version }: { id: string; version: number }) {
  const { data, error } = useJson<SuiteView>(`/api/suite?id=${encodeURIComponent(id)}`, version);
  if (error && !data) return <p class="warning">{`Cannot load suite: ${error}`}</p>;
  if (!data) return <p>Loading…</p>;
  const runIds = data.records.flatMap((r) => (r.runId ? [r.runId] : []));
  return (
    <>
      <h2>{`Suite ${data.suite}`}</h2>
      <p class="muted">{`CLIP ${data.model}, LLM ${data.llm}, made ${data.createdAt}`}</p>
      {data.meaningless && <div class="warning">{`Pipeline check, not results: ${data.meaningless}`}</div>}
      {runIds.length > 1 && (
        <p>
          <a class="compare-link" href={hrefOf("compare", { ids: runIds.join(",") })}>
            Compare this suite's runs (mean ± std over seeds)
          </a>
        </p>
      )}
      {data.hasReport ? (
        <iframe
          class="suite-report"
          title="the suite's report: paper-layout table, heat map, published numbers"
          src={`/suite-report?id=${encodeURIComponent(id)}`}
          sandbox=""
        />
      ) : (
        <p>This suite has no report.html yet (`vlmopt-bench report` writes it).</p>
      )}
      <h2>Records</h2>
      <Table
        id="suite-records"
        header={["dataset", "method", "seed", "status", "test", "LLM calls", "run"]}
        numeric={[4, 5]}
        rows={data.records.map((r) => [
          r.dataset,
          r.label,
          r.seed === null ? "—" : String(r.seed),
          r.status,
          pct(r.testAccuracy),
          String(r.llmCalls),
          r.runId ? (
            <a key="a" href={hrefOf("run", { id: r.runId })}>
              open
            </a>
          ) : (
            "—"
          ),
        ])}
      />
    </>
  );
}

/** The app: a hash router over the run list, a run, a comparison and a suite, kept live by SSE. */
export function App() {
  const [hash, setHash] = useState(location.hash);
  const [version, setVersion] = useState(0);
  /** Changes seen per run id, so a run's page reloads only when its own files change. */
  const [runVersions, setRunVersions] = useState<Record<string, number>>({});
  const [source, setSource] = useState<string>("");
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    addEventListener("hashchange", onHash);
    getJson<{ location: string }>("/api/source").then(
      (s) => setSource(s.location),
      () => {},
    );
    const events = new EventSource("/api/events");
    events.addEventListener("change", (e) => {
      setVersion((v) => v + 1);
      const { runs } = JSON.parse((e as MessageEvent<string>).data) as { runs: string[] };
      setRunVersions((old) => {
        const next = { ...old };
        for (const id of runs) next[id] = (next[id] ?? 0) + 1;
        return next;
      });
    });
    return () => {
      removeEventListener("hashchange", onHash);
      events.close();
    };
  }, []);
  const { page, params } = parseHash(hash);
  return (
    <>
      <header>
        <a href="#/">vlmopt ui</a>
        <span class="muted">{` · ${source} · read-only`}</span>
      </header>
      {page === "run" ? (
        <LiveRun id={params.get("id") ?? ""} version={runVersions[params.get("id") ?? ""] ?? 0} />
      ) : page === "compare" ? (
        <Compare ids={(params.get("ids") ?? "").split(",").filter(Boolean)} version={version} />
      ) : page === "suite" ? (
        <Suite id={params.get("id") ?? ""} version={version} />
      ) : (
        <RunList version={version} />
      )}
    </>
  );
}
