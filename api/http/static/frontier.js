// The Budget frontier screen: the best objective as every budget limit scales
// by a factor. Run as a job (POST /v1/jobs, kind "frontier") when the server
// offers jobs, else by the synchronous POST /v1/frontier. Proven levels are
// filled markers, unproven ones open markers with a bar up to their bound;
// a dashed line marks today's budget (factor 1).

import { call, capabilities, followJob } from "./api.js";
import { fillTable, num, pct, STATUS } from "./format.js";
import { font, PLOTLY_CONFIG } from "./plan.js";

// The factors typed by the user: positive numbers, sorted, each once; 1 is always in.
export function parseFactors(text) {
  const values = String(text).split(/[,;\s]+/).filter(Boolean).map(Number);
  const bad = values.filter((v) => !Number.isFinite(v) || v <= 0);
  if (bad.length || !values.length) throw new Error("Budget factors must be positive numbers, e.g. 0.8, 1, 1.2.");
  return [...new Set([...values, 1])].sort((a, b) => a - b);
}

// The frontier's JSON for stored portfolio `pid`; onProgress(job) while a job runs.
export async function runFrontier(pid, factors, options, onProgress) {
  const caps = await capabilities();
  if (caps.jobs) {
    const queued = await call("POST", "/v1/jobs", { json: { kind: "frontier", portfolio_id: pid, factors,
      options: { time_limit: options.time_limit, explain: "none" } } });
    const job = await followJob(queued.id, onProgress);
    return job.result;
  }
  onProgress(null);
  const query = new URLSearchParams({ time_limit: options.time_limit, explain: "none" });
  return call("POST", `/v1/frontier?${query}`, { json: { portfolio_id: pid, factors } });
}

function trace(points, proven) {
  const mine = points.filter((p) => Boolean(p.proven) === proven && p.objective != null);
  return {
    type: "scatter", mode: "lines+markers", name: proven ? "proven optimal" : "best found, not proven",
    x: mine.map((p) => p.factor * 100), y: mine.map((p) => p.objective),
    line: { width: 0 },
    marker: { size: 13, color: "#0072B2", symbol: proven ? "circle" : "circle-open", line: { width: 2.5, color: "#0072B2" } },
    error_y: proven ? undefined : { type: "data", symmetric: false, array: mine.map((p) => Math.max(0, (p.bound ?? p.objective) - p.objective)),
      arrayminus: mine.map(() => 0), color: "#0072B2", thickness: 1.5, width: 6 },
    hovertext: mine.map((p) => `${pct(p.factor, 0)} of today's budget<br>objective ${num(p.objective, 4)}` +
      (proven ? " (proven)" : `, bound ${num(p.bound, 4)}`) + `<br>total cost ${num(p.total_cost, 0)}, ${p.selected.length} projects`),
    hoverinfo: "text",
  };
}

export function renderFrontier(target, table, frontier) {
  const points = frontier.points || [];
  const line = { type: "scatter", mode: "lines", name: "objective", showlegend: false, hoverinfo: "skip",
    x: points.map((p) => p.factor * 100), y: points.map((p) => p.objective), line: { color: "#9bb8d3", width: 2 } };
  const layout = {
    font: font(), height: 420, margin: { l: 80, r: 30, t: 30, b: 60 }, legend: { orientation: "h", y: -0.2 },
    xaxis: { title: { text: "Budget, % of today's" }, ticksuffix: " %" }, yaxis: { title: { text: `Objective (${frontier.objective_kind || "objective"})` } },
    shapes: [{ type: "line", x0: 100, x1: 100, yref: "paper", y0: 0, y1: 1, line: { color: "#D55E00", width: 2, dash: "dash" } }],
    annotations: [{ x: 100, yref: "paper", y: 1.04, text: "today's budget", showarrow: false, font: { color: "#D55E00", size: 15 } }],
  };
  const marks = [trace(points, true), trace(points, false)].filter((t) => t.x.length);
  Plotly.react(target, [line, ...marks], layout, PLOTLY_CONFIG);
  target.dataset.today = points.some((p) => p.factor === 1) ? "marked" : "absent";
  fillTable(table, ["Budget level", "Sum of the scaled limits", "Objective", "Proven", "Bound", "Total cost", "Projects", "Status", "Note"],
    points.map((p) => [p.factor === 1 ? `${pct(p.factor, 0)} (today)` : pct(p.factor, 0), num(p.budget, 0),
      num(p.objective, 4), p.proven ? "yes" : "no", num(p.bound, 4), num(p.total_cost, 0),
      num((p.selected || []).length, 0), STATUS[p.status] || p.status,
      p.plan_of != null ? `shows the plan of ${pct(p.plan_of, 0)}` : ""]), [1, 2, 4, 5, 6]);
}
