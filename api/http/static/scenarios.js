// The Scenarios screen, computed in the browser from the plans already fetched:
// a key-figure grid (each scenario against the baseline, the first one ticked),
// a scatter of total cost against strategic score, the projects that came in,
// went out or moved start against the baseline, and a project by scenario grid.

import { el, fillTable, num, pct, signed, STATUS } from "./format.js";
import { font, PALETTE, PLOTLY_CONFIG } from "./plan.js";

const FIGURES = [
  ["Objective", (p) => p.objective, 4],
  ["Strategic score", (p) => (p.kpis || {}).strategic_score, 1],
  ["Financial value", (p) => (p.kpis || {}).financial_value, 0],
  ["Total cost", (p) => (p.kpis || {}).total_cost, 0],
  ["Risk exposure", (p) => (p.kpis || {}).risk_exposure, 0],
  ["Projects selected", (p) => (p.selected || []).length, 0],
  ["Unaligned projects selected", (p) => (p.kpis || {}).unaligned_selected, 0],
];

const starts = (plan) => new Map((plan.selected || []).map((s) => [s.project, s.start]));

// came in, went out, moved: against the baseline's selection and starts.
export function differences(base, other) {
  const a = starts(base), b = starts(other);
  const byId = (x, y) => x.localeCompare(y);
  return {
    cameIn: [...b.keys()].filter((p) => !a.has(p)).sort(byId),
    wentOut: [...a.keys()].filter((p) => !b.has(p)).sort(byId),
    moved: [...b.keys()].filter((p) => a.has(p) && a.get(p) !== b.get(p)).sort(byId)
      .map((p) => ({ project: p, from: a.get(p), to: b.get(p) })),
  };
}

function kpiGrid(table, scenarios) {
  const base = scenarios[0].plan;
  const best = Math.max(...scenarios.map((s) => s.plan.objective ?? -Infinity));
  const rows = [["Status", ...scenarios.map((s) => STATUS[s.plan.status] || s.plan.status)]];
  rows.push(["Objective as a share of the best scenario",
    ...scenarios.map((s) => (best > 0 && s.plan.objective != null ? pct(s.plan.objective / best, 1) : "–"))]);
  rows.push(["Objective as a share of its proven best (bound)",
    ...scenarios.map((s) => (s.plan.bound > 0 && s.plan.objective != null ? pct(s.plan.objective / s.plan.bound, 1) : "–"))]);
  for (const [label, get, digits] of FIGURES) {
    rows.push([label, ...scenarios.map((s, i) => {
      const value = get(s.plan);
      if (i === 0 || value == null || get(base) == null) return num(value, digits);
      const delta = value - get(base);
      return { node: el("span", {}, num(value, digits), " ",
        el("small", { text: `(${signed(delta, digits)})` })) };
    })]);
  }
  rows.push(["Changes", "baseline", ...scenarios.slice(1).map((s) => s.changes || "–")]);
  fillTable(table, ["Key figure", ...scenarios.map((s) => s.name)], rows,
    scenarios.map((_, i) => i + 1));
}

function scatter(target, scenarios) {
  const traces = scenarios.map((s, i) => ({
    type: "scatter", mode: "markers+text", name: s.name, text: [s.name], textposition: "top center",
    x: [(s.plan.kpis || {}).total_cost], y: [(s.plan.kpis || {}).strategic_score],
    marker: { size: 16, color: PALETTE[i % PALETTE.length] }, cliponaxis: false,
    hovertemplate: `${s.name}<br>total cost %{x:,.0f}<br>strategic score %{y:,.1f}<extra></extra>`,
  }));
  Plotly.react(target, traces, { font: font(), height: 340, margin: { l: 80, r: 60, t: 40, b: 60 },
    showlegend: false, xaxis: { title: { text: "Total cost" }, tickformat: ",.0f" },
    yaxis: { title: { text: "Strategic score" } } }, PLOTLY_CONFIG);
}

function changeLists(box, scenarios, names) {
  const base = scenarios[0];
  const list = (title, items) => [el("h5", { text: `${title} (${items.length})` }),
    items.length ? el("ul", {}, items.map((t) => el("li", { text: t }))) : el("p", { class: "help", text: "none" })];
  box.replaceChildren(el("div", { class: "changes" }, scenarios.slice(1).map((s) => {
    const d = differences(base.plan, s.plan);
    return el("section", { "aria-label": `${s.name} against ${base.name}` },
      el("h4", { text: `${s.name} against ${base.name}` }),
      list("Came in", d.cameIn.map((p) => `${names.project(p)} (starts ${starts(s.plan).get(p)})`)),
      list("Went out", d.wentOut.map((p) => names.project(p))),
      list("Moved", d.moved.map((m) => `${names.project(m.project)}: ${m.from} to ${m.to}`)));
  })));
}

function projectGrid(table, scenarios, names) {
  const maps = scenarios.map((s) => starts(s.plan));
  const ids = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => a.localeCompare(b));
  const rows = ids.map((id) => [names.project(id), ...maps.map((m, i) => {
    const start = m.get(id);
    const differs = i > 0 && start !== maps[0].get(id);
    return { text: start || "out", class: [start ? null : "out", differs ? "diff" : null].filter(Boolean).join(" ") || null };
  })]);
  rows.push(["Projects selected", ...maps.map((m) => num(m.size, 0))]);
  fillTable(table, ["Project", ...scenarios.map((s) => s.name)], rows);
}

export function renderScenarios(parts, scenarios, names) {
  kpiGrid(parts.kpiGrid, scenarios);
  scatter(parts.scatter, scenarios);
  changeLists(parts.changes, scenarios, names);
  projectGrid(parts.projectGrid, scenarios, names);
}
