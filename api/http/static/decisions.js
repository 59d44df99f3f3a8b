// The Decisions screen: three studies of the stored portfolio chosen above, each
// run as a job (POST /v1/jobs, then GET /v1/jobs/{id} until it ends):
// - value at risk (kind "outcomes"): the optimal plan held fixed while project
//   values are sampled; mean, P10/P50/P90, P(value >= target) and a histogram;
// - Pareto frontier (kind "pareto"): strategic score against financial value,
//   proven points filled, unproven open, and what came in / went out between
//   neighbouring points;
// - sensitivity (kind "sensitivity"): each project's margin, one re-solve per
//   project (slow), and each objective weight's range.
// Each result's box carries the job's id in data-job.

import { call, followJob } from "./api.js";
import { el, fillTable, num, pct, signed, STATUS } from "./format.js";
import { font, PLOTLY_CONFIG } from "./plan.js";

// Run study `kind` on stored portfolio `pid` as a job; resolves with the done job.
export async function runStudy(kind, pid, fields, timeLimit, onProgress, isCancelled) {
  const queued = await call("POST", "/v1/jobs", { json: { kind, portfolio_id: pid,
    options: { time_limit: timeLimit }, ...fields } });
  onProgress({ ...queued, status: "queued" });
  return followJob(queued.id, onProgress, isCancelled);
}

// A whole number typed in `input`, or `fallback` when the box is empty.
export function wholeOf(input, fallback) {
  const text = input.value.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${input.labels[0].textContent}: a whole number, e.g. ${fallback}.`);
  return value;
}

function figures(list, rows) {
  list.replaceChildren(...rows.map(([label, value]) =>
    el("div", { "data-figure": label }, el("dt", { text: label }), el("dd", { text: value }))));
}

// Value at risk: the figures in <dl> `list`, the histogram in `chart`.
export function renderOutcomes(list, chart, result) {
  figures(list, [
    ["Plan solved", STATUS[result.plan_status] || result.plan_status],
    ["Samples", num(result.samples, 0)],
    ["Expected value", num(result.expected_value, 0)],
    ["Mean", num(result.mean, 0)],
    ["P10", num(result.p10, 0)],
    ["P50", num(result.p50, 0)],
    ["P90", num(result.p90, 0)],
    ["Probability of reaching the target", result.target == null ? "no target given"
      : `${pct(result.p_target)} (target ${num(result.target, 0)})`],
  ]);
  const bins = result.histogram || [];
  const bars = { type: "bar", name: "samples", x: bins.map((b) => (b.low + b.high) / 2),
    y: bins.map((b) => b.count), width: bins.map((b) => b.high - b.low),
    marker: { color: "#0072B2", line: { color: "#ffffff", width: 1 } },
    hovertext: bins.map((b) => `${num(b.low, 0)} to ${num(b.high, 0)}: ${num(b.count, 0)} samples`),
    hoverinfo: "text" };
  const marks = [["P10", result.p10, "#D55E00"], ["P50", result.p50, "#009E73"], ["P90", result.p90, "#D55E00"]];
  if (result.target != null) marks.push(["target", result.target, "#1a1a1a"]);
  const layout = { font: font(), height: 380, margin: { l: 70, r: 30, t: 40, b: 60 }, bargap: 0,
    xaxis: { title: { text: "Realised value of the plan" }, separatethousands: true },
    yaxis: { title: { text: "Samples" } },
    shapes: marks.map(([, x, color]) => ({ type: "line", x0: x, x1: x, yref: "paper", y0: 0, y1: 1,
      line: { color, width: 2, dash: "dash" } })),
    annotations: marks.map(([text, x, color]) => ({ x, yref: "paper", y: 1.06, text, showarrow: false,
      font: { color } })) };
  Plotly.react(chart, [bars], layout, PLOTLY_CONFIG);
}

function paretoTrace(points, proven) {
  const mine = points.map((p, i) => ({ ...p, n: i + 1 })).filter((p) => Boolean(p.proven) === proven);
  return { type: "scatter", mode: "markers", name: proven ? "proven optimal" : "best found, not proven",
    x: mine.map((p) => p.second), y: mine.map((p) => p.first),
    marker: { size: 14, color: "#0072B2", symbol: proven ? "circle" : "circle-open", line: { width: 2.5, color: "#0072B2" } },
    hovertext: mine.map((p) => `point ${p.n}: ${num(p.first, 2)} and ${num(p.second, 0)}, ` +
      `${p.selected.length} projects` + (proven ? " (proven)" : `, gap ${pct(p.gap)}`)),
    hoverinfo: "text" };
}

function projectList(ids, names) {
  return ids.length ? ids.map((id) => names.project(id)).join("; ") : "none";
}

// Pareto frontier: the scatter in `chart`, the points in `table`, the moves in `steps`.
export function renderPareto(chart, table, steps, result, names) {
  const points = result.points || [];
  const line = { type: "scatter", mode: "lines", showlegend: false, hoverinfo: "skip",
    x: points.map((p) => p.second), y: points.map((p) => p.first), line: { color: "#9bb8d3", width: 2 } };
  const marks = [paretoTrace(points, true), paretoTrace(points, false)].filter((t) => t.x.length);
  Plotly.react(chart, [line, ...marks], { font: font(), height: 420, margin: { l: 80, r: 30, t: 30, b: 60 },
    legend: { orientation: "h", y: -0.2 },
    xaxis: { title: { text: `${result.second} value` }, separatethousands: true },
    yaxis: { title: { text: `${result.first} score` } } }, PLOTLY_CONFIG);
  fillTable(table, ["Point", `${result.first}`, `${result.second}`, "Proven", "Gap", "Projects"],
    points.map((p, i) => [String(i + 1), num(p.first, 2), num(p.second, 0), p.proven ? "yes" : "no",
      p.proven ? "–" : pct(p.gap), num(p.selected.length, 0)]), [1, 2, 4, 5]);
  steps.replaceChildren(...(result.steps || []).map((s, i) => el("li", {},
    el("strong", { text: `Point ${i + 1} to point ${i + 2}: ` }),
    `${result.first} ${signed(s.first_change, 2)}, ${result.second} ${signed(s.second_change, 0)}. `,
    el("span", { class: "came-in", text: `Came in: ${projectList(s.came_in, names)}. ` }),
    el("span", { class: "went-out", text: `Went out: ${projectList(s.went_out, names)}.` }))));
}

// Sensitivity: the project margins in `table`, the weight ranges in `weights`, notes in `notes`.
export function renderSensitivity(table, weights, notes, result, names) {
  const margin = (x) => (x == null ? "–" : num(x, 2));
  fillTable(table, ["Project", "In the plan", "Direction", "Status", "Objective margin",
    "Value now", "Value threshold", "Score now", "Score threshold", "Note"],
  result.projects.map((p) => [names.project(p.project), p.selected ? "yes" : "no", p.direction,
    p.status, margin(p.objective_margin), margin(p.value_now), margin(p.value_threshold),
    margin(p.score_now), margin(p.score_threshold), p.note || ""]),
  [4, 5, 6, 7, 8]);
  fillTable(weights, ["Objective", "Weight", "Lowest", "Highest", "Exact"],
    result.weight_ranges.map((w) => [names.objectives.get(w.objective) || w.objective, num(w.weight, 2),
      margin(w.low), margin(w.high), w.exact ? "yes" : "no"]), [1, 2, 3]);
  notes.replaceChildren(...result.notes.map((n) => el("li", { text: n })));
}
