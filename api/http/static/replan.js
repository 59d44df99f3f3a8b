// The re-plan screen (Decisions): the plan being followed (the plan shown on
// Plan, or a plan JSON file) against the actuals at `now` (the stored
// portfolio's own `actuals` and settings.now, or a JSON / CSV file of actuals
// and a period chosen here), run as a job of kind "replan" (docs/scenarios.md,
// re-planning mid-cycle). Shows each running project's continue / pause /
// stop with its value delta and reason, and the drift (spend, benefits, dates)
// as a table and a chart.

import { call } from "./api.js";
import { el, fillTable, num, pct, signed } from "./format.js";
import { font, PLOTLY_CONFIG } from "./plan.js";

const STATUS_WORD = { optimal: "Optimal", feasible: "Feasible", infeasible: "Infeasible", no_solution: "No plan" };
export const ADVICE = { continue: "Continue", stall: "Pause", stop: "Stop" };
const COLUMNS = ["project", "spent", "progress", "benefits_realised"];

// Actuals from a CSV text: a header naming project and any of spent, progress,
// benefits_realised; one row a project; blank cells are left out. No quoting.
export function actualsFromCsv(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const head = (lines.shift() || "").split(",").map((h) => h.trim().toLowerCase());
  if (!head.includes("project")) throw new Error("The actuals CSV needs a header with a project column.");
  const unknown = head.filter((h) => !COLUMNS.includes(h));
  if (unknown.length) throw new Error(`The actuals CSV has unknown columns: ${unknown.join(", ")} (known: ${COLUMNS.join(", ")}).`);
  return lines.map((line, i) => {
    const cells = line.split(",").map((c) => c.trim());
    const row = {};
    head.forEach((h, j) => {
      if (!cells[j]) return;
      const value = h === "project" ? cells[j] : Number(cells[j]);
      if (h !== "project" && !Number.isFinite(value)) throw new Error(`Actuals CSV, row ${i + 1}, ${h}: a number, not "${cells[j]}".`);
      row[h] = value;
    });
    return row;
  });
}

// {actuals, now} from a file's text: CSV, or JSON (a list of actuals rows, or
// an object with `actuals` and `now` or `settings.now`, e.g. a whole portfolio).
export function actualsFromFile(name, text) {
  if (/\.csv$/i.test(name)) return { actuals: actualsFromCsv(text), now: null };
  let data;
  try { data = JSON.parse(text); } catch (e) { throw new Error(`${name} is neither JSON nor CSV: ${e.message}`); }
  if (Array.isArray(data)) return { actuals: data, now: null };
  if (!data || !Array.isArray(data.actuals)) throw new Error(`${name} has no actuals table (a list of rows: ${COLUMNS.join(", ")}).`);
  return { actuals: data.actuals, now: data.now || (data.settings || {}).now || null };
}

// The stored portfolio to re-plan and the plan followed. A copy of the base
// document is stored when the actuals or `now` differ from the stored ones.
export async function replanInputs(base, shownPlan, { planText, actuals, now }) {
  let plan = shownPlan;
  if (planText !== null) {
    try { plan = JSON.parse(planText); } catch (e) { throw new Error(`The plan file is not JSON: ${e.message}`); }
    if (plan && plan.plan && !plan.selected) plan = plan.plan;  // a job's answer: its plan
  }
  if (!plan) throw new Error("Re-planning needs the plan being followed: Solve first (it is the plan shown on Plan) or give a plan file.");
  const settings = base.doc.settings || {};
  if (!actuals && now === (settings.now || "")) return { pid: base.pid, plan, now };
  if (!now) throw new Error("Choose the current period (Now).");
  const doc = { ...base.doc, name: `${base.doc.name || "portfolio"} – actuals at ${now}`,
    settings: { ...settings, now }, ...(actuals ? { actuals } : {}) };
  const saved = await call("POST", "/v1/portfolios", { json: doc });
  return { pid: saved.id, plan, now };
}

const figure = (label, value) => el("div", { "data-figure": label }, el("dt", { text: label }), el("dd", { text: value }));
const money = (x) => (x == null ? "–" : num(x, 1));
const drift = (x) => (x == null ? "–" : signed(x, 1));

// The drift chart: spend planned to date against spent (left) and the slip in
// periods (right), one row a project.
function driftChart(node, rows) {
  const y = rows.map((d) => d.project);
  const bar = (name, x, color, axis = "x") => ({ type: "bar", orientation: "h", name, x, y, xaxis: axis,
    marker: { color }, hovertemplate: `%{y}: ${name} %{x:,.1f}<extra></extra>` });
  const slips = rows.map((d) => d.slip);
  Plotly.react(node, [bar("spend planned to date", rows.map((d) => d.planned_spend), "#9bb8d3"),
    bar("spent", rows.map((d) => d.spent), "#0072B2"),
    { ...bar("slip (periods)", slips, slips.map((s) => (s > 0 ? "#D55E00" : "#009E73")), "x2"),
      hovertemplate: "%{y}: %{x:+d} periods<extra></extra>" }],
  { font: font(), barmode: "group", height: Math.max(320, 60 + rows.length * 34),
    margin: { l: 60, r: 20, t: 40, b: 60 }, legend: { orientation: "h", y: 1.02, yanchor: "bottom" },
    yaxis: { autorange: "reversed", type: "category", automargin: true },
    xaxis: { domain: [0, 0.68], title: { text: "Money to date" }, separatethousands: true },
    xaxis2: { domain: [0.76, 1], title: { text: "Slip (periods late)" }, dtick: 1, zeroline: true } },
  PLOTLY_CONFIG);
}

// Fill the result: `parts` = {figures, dropped, decisions, drift, chart}.
export function renderReplan(parts, result, names) {
  const counts = (action) => result.decisions.filter((d) => d.action === action).length;
  const list = (ids) => (ids.length ? ids.join(", ") : "none");
  parts.figures.replaceChildren(
    figure("Re-planned at", result.now),
    figure("Re-plan", STATUS_WORD[result.plan.status] || result.plan.status),
    figure("Objective of the re-plan", num(result.plan.objective, 4)),
    figure("Running projects", `${num(result.decisions.length, 0)}: ${counts("continue")} continue, ${counts("stall")} pause, ${counts("stop")} stop`),
    figure("Finished (fixed)", list(result.finished)),
    figure("Window passed (dropped)", `${num(result.dropped.length, 0)} candidates`));
  parts.dropped.textContent = result.dropped.length ? `Candidates whose latest start has passed (dropped): ${
    result.dropped.map((id) => names.project(id)).join("; ")}.` : "";
  fillTable(parts.decisions, ["Project", "Advice", "Restart", "Sunk", "Cost left", "Value delta",
    "Value left", "Value whole", "Why"],
  result.decisions.map((d) => [names.project(d.project), ADVICE[d.action] || d.action, d.restart || "–",
    money(d.sunk), money(d.remaining_cost), signed(d.value_delta, 4), money(d.remaining_value),
    money(d.whole_value), d.reason]), [3, 4, 5, 6, 7]);
  fillTable(parts.drift, ["Project", "State", "Spend planned", "Spent", "Spend drift", "Benefits planned",
    "Realised", "Benefits drift", "Progress planned", "Progress", "Finish planned", "Forecast", "Slip"],
  result.drift.map((d) => [names.project(d.project), d.state, money(d.planned_spend), money(d.spent),
    drift(d.spend_drift), money(d.planned_benefits), money(d.benefits_realised), drift(d.benefits_drift),
    pct(d.planned_progress, 0), pct(d.progress, 0), d.planned_finish || "–", d.forecast_finish || "–",
    d.slip == null ? "–" : signed(d.slip, 0)]), [2, 3, 4, 5, 6, 7, 8, 9, 12]);
  driftChart(parts.chart, result.drift);
}

// The form for portfolio `doc`: Now's periods (its settings.now chosen) and
// what the portfolio brings itself.
export function prepareReplanForm(doc, select, help) {
  const now = (doc.settings || {}).now || "";
  select.replaceChildren(new Option("choose a period", ""), ...(doc.periods || []).map((p) => new Option(p.id, p.id)));
  select.value = now;
  const rows = (doc.actuals || []).length;
  help.textContent = rows ? `This portfolio has ${rows} actuals rows${now ? `, now = ${now}` : ""}.`
    : "This portfolio has no actuals: give a file, or the plan's spend to date is taken as spent.";
}

// The re-plan's inputs from the form: {planText, actuals, now}.
export async function replanForm(planInput, actualsInput, nowSelect) {
  const planFile = planInput.files[0], actualsFile = actualsInput.files[0];
  const given = actualsFile ? actualsFromFile(actualsFile.name, await actualsFile.text()) : null;
  return { planText: planFile ? await planFile.text() : null, actuals: given ? given.actuals : null,
    now: nowSelect.value || (given && given.now) || "" };
}
