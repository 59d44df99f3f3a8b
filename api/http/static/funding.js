// The funding screen, on Plan when the plan draws on funding sources
// (funding_sources, eligibility: docs/contract.md): each source's money, per
// row of funding_sources (a period, or the whole horizon), used against
// available as a stacked bar; the unused money of each source; and each
// selected project's split between the sources (the plan's `funding`, summed
// over the periods).

import { fillTable, num, pct } from "./format.js";
import { font, PLOTLY_CONFIG } from "./plan.js";

export const WHOLE = "whole horizon";

// Per source, in the order the plan lists them: its available money, what the
// plan draws and what is left. A source with a whole-horizon row is bounded by
// that row (its per-period rows only cap each period), so its figures are that
// row's; a source with period rows only sums them.
export function sourceTotals(plan) {
  const bySource = new Map();
  for (const row of plan.sources || []) {
    if (!bySource.has(row.source)) bySource.set(row.source, []);
    bySource.get(row.source).push(row);
  }
  return [...bySource].map(([source, rows]) => {
    const whole = rows.find((r) => r.period == null);
    const sum = (key) => rows.reduce((s, r) => s + r[key], 0);
    return whole ? { source, amount: whole.amount, used: whole.used, unused: whole.unused, rows: rows.length }
      : { source, amount: sum("amount"), used: sum("used"), unused: sum("unused"), rows: rows.length };
  });
}

// Each selected project some source pays: {project, share, cost, bySource: Map, total}.
export function fundingSplit(plan) {
  const sources = [...new Set((plan.funding || []).map((f) => f.source))].sort();
  const projects = new Map();
  for (const f of plan.funding || []) {
    if (!projects.has(f.project)) projects.set(f.project, new Map());
    const paid = projects.get(f.project);
    paid.set(f.source, (paid.get(f.source) || 0) + f.amount);
  }
  const selected = new Map((plan.selected || []).map((s) => [s.project, s]));
  const rows = [...projects].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([project, paid]) => ({
    project, share: (selected.get(project) || {}).share ?? 1, cost: (selected.get(project) || {}).cost,
    bySource: paid, total: [...paid.values()].reduce((s, x) => s + x, 0) }));
  return { sources, rows };
}

// What each source pays in each period (the plan's funding summed over the
// projects): {sources, periods, paid: Map source -> Map period -> amount}.
export function drawnByPeriod(plan, periods) {
  const paid = new Map();
  for (const f of plan.funding || []) {
    if (!paid.has(f.source)) paid.set(f.source, new Map());
    const row = paid.get(f.source);
    row.set(f.period, (row.get(f.period) || 0) + f.amount);
  }
  const used = periods.filter((t) => [...paid.values()].some((row) => row.has(t)));
  return { sources: [...paid.keys()].sort(), periods: used, paid };
}

// The stacked bars, one per funding_sources row (used, then unused), grouped
// by source on the vertical axis (horizontal bars leave room for the names).
function chart(node, plan) {
  const rows = plan.sources || [];
  const y = [rows.map((r) => r.source), rows.map((r) => r.period || "total")];
  const hover = (key) => rows.map((r) => `${r.source}, ${r.period || WHOLE}: ${key} ${num(r[key], 1)} of ${num(r.amount, 1)}`);
  const bar = (name, key, marker) => ({ type: "bar", orientation: "h", name, y, x: rows.map((r) => r[key]),
    marker, hovertext: hover(key), hoverinfo: "text" });
  Plotly.react(node, [bar("used by the plan", "used", { color: "#0072B2" }),
    bar("unused", "unused", { color: "#d9e6f2", line: { color: "#0072B2", width: 1 } })],
  { font: font(), barmode: "stack", height: Math.max(300, 90 + rows.length * 28),
    margin: { l: 180, r: 20, t: 30, b: 50 }, legend: { orientation: "h", y: 1.02, yanchor: "bottom", traceorder: "normal" },
    yaxis: { autorange: "reversed", automargin: true }, xaxis: { title: { text: "Money" }, separatethousands: true } },
  PLOTLY_CONFIG);
}

// Fill the funding section (`box` hidden when the plan has no sources).
export function renderFunding(box, parts, plan, names) {
  const has = (plan.sources || []).length > 0;
  box.hidden = !has;
  if (!has) return;
  chart(parts.chart, plan);
  fillTable(parts.summary, ["Source", "Available", "Used", "Unused", "Share used"],
    sourceTotals(plan).map((s) => [s.source, num(s.amount, 1), num(s.used, 1), num(s.unused, 1),
      pct(s.amount ? s.used / s.amount : null)]), [1, 2, 3, 4]);
  fillTable(parts.rows, ["Source", "Period", "Available", "Used", "Unused"],
    (plan.sources || []).map((r) => [r.source, r.period || WHOLE, num(r.amount, 1), num(r.used, 1),
      num(r.unused, 1)]), [2, 3, 4]);
  const drawn = drawnByPeriod(plan, names.periods);
  fillTable(parts.byPeriod, ["Source", ...drawn.periods, "Total"], drawn.sources.map((s) => {
    const row = drawn.paid.get(s);
    return [s, ...drawn.periods.map((t) => (row.has(t) ? num(row.get(t), 1) : "–")),
      num([...row.values()].reduce((a, b) => a + b, 0), 1)];
  }), drawn.periods.map((_, i) => i + 1).concat([drawn.periods.length + 1]));
  const split = fundingSplit(plan);
  fillTable(parts.split, ["Project", "Funded share", ...split.sources, "Paid by sources", "Cost"],
    split.rows.map((r) => [names.project(r.project), pct(r.share, 0),
      ...split.sources.map((s) => (r.bySource.has(s) ? num(r.bySource.get(s), 1) : "–")),
      num(r.total, 1), num(r.cost, 1)]), [1, ...split.sources.map((_, i) => i + 2),
    split.sources.length + 2, split.sources.length + 3]);
}
