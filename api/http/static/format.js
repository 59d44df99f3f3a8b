// Numbers and names for people: thousands separators, percentages, a project's
// name beside its id, reason codes in words; and small DOM helpers.

const number = (digits) => new Intl.NumberFormat("en", { maximumFractionDigits: digits,
  minimumFractionDigits: 0 });
const N0 = number(0), N1 = number(1), N2 = number(2), N4 = number(4);

export function num(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (Math.abs(x) < 0.5 * 10 ** -digits) x = 0;  // rounds to zero: "0", never "-0"
  return ({ 0: N0, 1: N1, 2: N2, 4: N4 }[digits] || number(digits)).format(x);
}
export function pct(share, digits = 1) {
  if (share === null || share === undefined || !Number.isFinite(share)) return "–";
  return `${num(share * 100, digits)} %`;
}
export function signed(x, digits = 1) {
  if (!x) return "±0";
  return (x > 0 ? "+" : "−") + num(Math.abs(x), digits);
}

export const STATUS = {
  optimal: "Optimal (proven best)", feasible: "Feasible (best found in time)",
  infeasible: "Infeasible: the limits conflict", no_solution: "No plan found in time",
};

export const REASON = {
  budget: "Budget limit", capacity: "Not enough people", dependency: "Dependency",
  group: "Group limit", risk: "Risk limit", balance: "Balance limit",
  unaligned: "Serves no objective", no_fit: "Does not fit its window",
  infeasible_alone: "In no feasible plan", forced_out: "Forced out",
  dominated: "Better without it",
};

export const ACTION = { continue: "Continue", stall: "Pause", kill: "Stop" };

// Names from a portfolio document: projects (name, category), objectives, periods.
export function namesOf(doc) {
  const projects = new Map((doc.projects || []).map((p) => [p.id, p]));
  const objectives = new Map((doc.objectives || []).map((o) => [o.id, o.name || o.id]));
  const periods = (doc.periods || []).map((p) => p.id);
  return {
    projects, objectives, periods,
    project: (id) => {
      const p = projects.get(id);
      return p && p.name ? `${id} · ${p.name}` : id;
    },
    category: (id) => (projects.get(id) || {}).category || "uncategorised",
  };
}

// A budget row's scope in words: "capex, 2027Q1", "all pools, whole horizon".
export function scopeWords(row) {
  const parts = [row.pool || "all pools", row.period || "whole horizon"];
  if (row.category) parts.push(`category ${row.category}`);
  return parts.join(", ");
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Fill <table> `table` with a header row and body rows (the first cell of a row
// is its header). A cell is text, a Node, or {text | node, class}; the columns
// listed in `numeric` are right-aligned.
function cellNode(tag, value, numeric, scope) {
  const spec = value instanceof Node ? { node: value }
    : value !== null && typeof value === "object" ? value : { text: value };
  const node = el(tag, { class: [numeric ? "num" : null, spec.class].filter(Boolean).join(" ") || null,
    scope });
  if (spec.node) node.append(spec.node); else node.textContent = spec.text ?? "";
  return node;
}

export function fillTable(table, head, rows, numeric = []) {
  table.replaceChildren(
    el("thead", {}, el("tr", {}, head.map((h, i) => cellNode("th", h, numeric.includes(i), "col")))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((v, i) =>
      cellNode(i === 0 ? "th" : "td", v, numeric.includes(i), i === 0 ? "row" : null))))));
}

export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function slug(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "plan";
}
