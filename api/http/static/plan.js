// The Plan screen: key figures, the roadmap (plotly), spend against every limit,
// the utilisation heat map (plotly), excluded projects with their reasons and
// the in-flight recommendations. Every function takes (plan, names, doc).

import { ACTION, el, fillTable, num, pct, REASON, scopeWords, signed } from "./format.js";

const STATUS_WORD = { optimal: "Optimal", feasible: "Feasible", infeasible: "Infeasible", no_solution: "No plan" };
const STATUS_NOTE = { optimal: "proven best: no better plan exists", feasible: "the best plan found in the time limit",
  infeasible: "the limits conflict", no_solution: "time ran out before a plan was found" };

// Okabe-Ito: distinguishable for colour-blind readers and on a projector.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
  "#F0E442", "#000000"];
export const PLOTLY_CONFIG = { displaylogo: false, responsive: true };
// The charts' font follows the page's text size (larger in projector mode).
export function font() {
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 17;
  return { family: "system-ui, Segoe UI, Roboto, Arial, sans-serif", size: Math.round(root * 0.88), color: "#1a1a1a" };
}

// The key figures of a plan, as [label, value, note]; with `base` (another
// plan), the note also gives the difference from it.
export function kpiRows(plan, names, doc, base = null) {
  const k = plan.kpis || {};
  const candidates = (doc.projects || []).length;
  const exposure = (doc.risk_appetite || {}).max_exposure;
  const against = (get, digits) => {
    if (!base || get(plan) == null || get(base) == null) return null;
    return `${signed(get(plan) - get(base), digits)} against the baseline`;
  };
  const figure = (label, key, digits, note) => [label, num(k[key], digits),
    [note, against((p) => (p.kpis || {})[key], digits)].filter(Boolean).join("; ")];
  return [
    ["Status", STATUS_WORD[plan.status] || plan.status, [STATUS_NOTE[plan.status],
      plan.gap ? `gap to the proven bound ${pct(plan.gap, 2)}` : null].filter(Boolean).join("; ")],
    ["Objective", num(plan.objective, 4), [`${plan.solver || ""}, ${num(plan.solve_seconds, 1)} s`,
      against((p) => p.objective, 4)].filter(Boolean).join("; ")],
    ["Projects selected", `${num((plan.selected || []).length, 0)} of ${num(candidates, 0)}`,
      [`${num((plan.excluded || []).length, 0)} excluded`, against((p) => (p.selected || []).length, 0)].filter(Boolean).join("; ")],
    figure("Strategic score", "strategic_score", 1, "alignment to the weighted objectives"),
    figure("Financial value", "financial_value", 0, "discounted benefits and values"),
    figure("Total cost", "total_cost", 0, "spend of the selected projects"),
    figure("Risk exposure", "risk_exposure", 0, exposure ? `limit ${num(exposure, 0)} (${pct(k.risk_exposure / exposure, 0)} used)` : ""),
    figure("Unaligned projects selected", "unaligned_selected", 0, "selected but serving no objective"),
    ...partlyFunded(plan, names), ...robustRisk(plan),
  ];
}

// Projects funded at less than their whole scope (projects.min_scope), when any.
function partlyFunded(plan, names) {
  const part = (plan.selected || []).filter((s) => s.share != null && s.share < 1);
  if (!part.length) return [];
  return [["Partly funded", num(part.length, 0), part.map((s) =>
    `${names.project(s.project)} at ${pct(s.share, 0)}`).join("; ")]];
}

// A robust plan (settings.objective_risk): its tail measure and what it gave up for it.
function robustRisk(plan) {
  const r = plan.risk;
  if (!r) return [];
  const measure = r.measure === "cvar" ? `CVaR at ${pct(r.level, 0)}` : `chance of the target`;
  return [["Robust selection", `${measure}: ${num(r.tail, 4)}`, r.sentence || ""]];
}

export function renderKpis(target, plan, names, doc, base = null) {
  target.replaceChildren(...kpiRows(plan, names, doc, base).map(([label, value, note]) =>
    el("div", { "data-kpi": label }, el("dt", { text: label }),
      el("dd", {}, value, note ? el("small", { text: note }) : null))));
}

function periodIndex(names) {
  const index = new Map(names.periods.map((p, i) => [p, i]));
  return (p) => index.get(p) ?? 0;
}

export function renderRoadmap(target, plan, names) {
  const at = periodIndex(names);
  const rows = [...(plan.selected || [])].sort((a, b) => at(a.start) - at(b.start) || a.project.localeCompare(b.project));
  const categories = [...new Set(rows.map((r) => names.category(r.project)))].sort();
  const label = (r) => names.project(r.project);
  const traces = categories.map((category, i) => {
    const mine = rows.filter((r) => names.category(r.project) === category);
    return {
      type: "bar", orientation: "h", name: category, marker: { color: PALETTE[i % PALETTE.length] },
      y: mine.map(label), base: mine.map((r) => at(r.start)),
      x: mine.map((r) => at(r.finish) - at(r.start) + 1),
      hovertext: mine.map((r) => `${label(r)}<br>${category}, ${r.start} to ${r.finish}<br>cost ${num(r.cost, 0)}, value ${num(r.value, 0)}`
        + (r.share != null && r.share < 1 ? `<br>funded at ${pct(r.share, 0)} of its scope` : "")),
      hoverinfo: "text",
    };
  });
  const layout = {
    font: font(), barmode: "overlay", height: Math.max(320, 90 + 24 * rows.length),
    margin: { l: 330, r: 20, t: 80, b: 20 },
    legend: { title: { text: "Category " }, orientation: "h", x: 0, y: 1, yanchor: "top", yref: "container" },
    xaxis: { range: [0, names.periods.length], tickvals: names.periods.map((_, i) => i + 0.5),
      ticktext: names.periods, showgrid: false, side: "top" },
    yaxis: { categoryorder: "array", categoryarray: rows.map(label).reverse(), automargin: true },
    shapes: names.periods.map((_, i) => ({ type: "line", layer: "below", x0: i, x1: i, yref: "paper", y0: 0, y1: 1,
      line: { color: "#d0d5dc", width: 1 } })),
  };
  Plotly.react(target, traces, layout, PLOTLY_CONFIG);
}

export function renderSelected(table, plan, names) {
  fillTable(table, ["Project", "Category", "Start", "Finish", "Cost", "Value", "Strategic score"],
    (plan.selected || []).map((r) => [names.project(r.project), names.category(r.project), r.start,
      r.finish, num(r.cost, 0), num(r.value, 0), num(r.score, 2)]), [4, 5, 6]);
}

function usedCell(amount, limit) {
  if (!limit) return { text: "–" };
  const share = amount / limit;
  const bar = el("span", { class: share >= 0.999 ? "bar full" : "bar", "aria-hidden": "true" },
    el("span", { style: `width:${Math.min(100, share * 100).toFixed(1)}%` }));
  return { node: el("span", {}, bar, pct(share, 0)) };
}

// Every budget row (its scope in words, spent, limit, share used), then the risk limits.
export function renderSpend(table, plan, doc) {
  const rows = (plan.spend || []).filter((s) => s.constraint).map((s) => [
    { node: el("span", {}, scopeWords(s), " ", el("span", { class: "tag", text: s.constraint })) },
    num(s.amount, 0), num(s.limit, 0), usedCell(s.amount, s.limit)]);
  const risk = doc.risk_appetite || {};
  if (risk.max_exposure) {
    rows.push([{ node: el("span", {}, "Risk exposure ", el("span", { class: "tag", text: "risk[exposure]" })) },
      num((plan.kpis || {}).risk_exposure, 0), num(risk.max_exposure, 0),
      usedCell((plan.kpis || {}).risk_exposure, risk.max_exposure)]);
  }
  fillTable(table, ["Limit", "Spent", "Limit", "Used"], rows, [1, 2]);
}

export function renderHeatmap(target, plan, names) {
  const rows = plan.utilisation || [];
  const skills = [...new Set(rows.map((r) => r.skill))].sort();
  const periods = names.periods.filter((p) => rows.some((r) => r.period === p));
  const cell = new Map(rows.map((r) => [`${r.skill}|${r.period}`, r]));
  const share = (r) => (r && r.capacity > 0 ? r.demand / r.capacity : null);
  const z = skills.map((s) => periods.map((p) => {
    const v = share(cell.get(`${s}|${p}`));
    return v === null ? null : Math.round(v * 1000) / 10;
  }));
  const text = skills.map((s) => periods.map((p) => {
    const r = cell.get(`${s}|${p}`);
    if (!r) return "";
    return `${s} in ${p}: ${num(r.demand, 1)} of ${num(r.capacity, 1)} FTE (${pct(share(r), 0)})` +
      (r.extra ? `, ${num(r.extra, 1)} FTE bought` : "");
  }));
  const trace = { type: "heatmap", x: periods, y: skills, z, text, hoverinfo: "text", zmin: 0,
    zmax: Math.max(100, ...z.flat().filter((v) => v !== null)),
    colorscale: [[0, "#f7fbff"], [0.5, "#6baed6"], [0.85, "#08519c"], [1, "#67000d"]],
    colorbar: { title: { text: "% of capacity" } } };
  const layout = { font: font(), height: Math.max(280, 110 + 30 * skills.length),
    margin: { l: 130, r: 20, t: 10, b: 60 }, xaxis: { title: { text: "Period" } } };
  Plotly.react(target, [trace], layout, PLOTLY_CONFIG);
}

export function renderExcluded(table, plan, names) {
  fillTable(table, ["Project", "Category", "Reason", "Code", "Why", "Cost to include"],
    (plan.excluded || []).map((e) => [names.project(e.project), names.category(e.project),
      REASON[e.code] || e.code, { node: el("span", { class: "tag", text: e.code }) }, e.reason,
      e.cost_to_include === null || e.cost_to_include === undefined ? "–" : num(e.cost_to_include, 4)]), [5]);
}

export function renderRecommendations(box, table, plan, names) {
  const rows = plan.recommendations || [];
  box.hidden = rows.length === 0;
  fillTable(table, ["Project", "Advice", "Restart", "Why", "Objective change"],
    rows.map((r) => [names.project(r.project), ACTION[r.action] || r.action, r.restart || "–",
      r.reason, r.value_delta === null ? "–" : num(r.value_delta, 4)]), [4]);
}

// An infeasible plan: the clashing limits (one sentence each) and the least relaxation.
export function renderConflicts(box, list, table, plan) {
  const conflicts = plan.conflicts || [], relaxation = plan.relaxation || [];
  box.hidden = !conflicts.length && !relaxation.length;
  list.replaceChildren(...conflicts.map((c) => el("li", {}, c.sentence, " ",
    el("span", { class: "tag", text: c.constraint }))));
  fillTable(table, ["Limit", "Change", "Today", "Needed"], relaxation.map((r) => [
    { node: el("span", { class: "tag", text: r.constraint }) }, r.sentence,
    r.limit == null ? "–" : num(r.limit, 1), r.needed == null ? "–" : num(r.needed, 1)]), [2, 3]);
}
