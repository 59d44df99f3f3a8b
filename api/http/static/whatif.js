// The What if screen: a slider per budget pool (scale 50 % to 150 %) and per
// objective weight. `changedDocument` applies them to a copy of the base
// portfolio document (the base is never changed): every `budgets` row of a pool
// has its limit multiplied by that pool's scale (rows naming no pool share the
// slider "all pools"), and each objective's weight is set to its slider's value.

import { el, num } from "./format.js";

const NO_POOL = "";

export function poolsOf(doc) {
  return [...new Set((doc.budgets || []).map((b) => b.pool || NO_POOL))].sort();
}

const poolLabel = (pool) => (pool === NO_POOL ? "Budgets over all pools" : `${pool} budgets`);
const sliderId = (kind, key) => `${kind}-${key === NO_POOL ? "all" : key.replace(/[^A-Za-z0-9_-]/g, "_")}`;

function slider({ id, label, min, max, step, value, show }) {
  const input = el("input", { type: "range", id, min, max, step, value, "aria-valuetext": show(value) });
  const output = el("output", { for: id, text: show(value) });
  input.addEventListener("input", () => {
    output.textContent = show(Number(input.value));
    input.setAttribute("aria-valuetext", show(Number(input.value)));
  });
  return { input, node: el("div", { class: "slider" }, el("label", { for: id, text: label }), input, output) };
}

// Build the sliders for `doc`; onChange() after a slider is released.
export function buildSliders(doc, poolBox, weightBox, onChange) {
  const pools = new Map();
  const weights = new Map();
  const percent = (v) => `${num(v, 0)} %`;
  poolBox.replaceChildren(...poolsOf(doc).map((pool) => {
    const s = slider({ id: sliderId("scale", pool), label: poolLabel(pool), min: 50, max: 150, step: 5,
      value: 100, show: percent });
    pools.set(pool, s.input);
    s.input.addEventListener("change", onChange);
    return s.node;
  }));
  weightBox.replaceChildren(...(doc.objectives || []).map((o) => {
    const today = Number(o.weight ?? 1);
    const s = slider({ id: sliderId("weight", o.id), label: `${o.name || o.id} (today ${num(today, 2)})`,
      min: 0, max: Math.max(3, Math.ceil(today * 2)), step: 0.05, value: today, show: (v) => num(v, 2) });
    const entry = { input: s.input, today, moved: false };
    weights.set(o.id, entry);
    s.input.addEventListener("input", () => { entry.moved = true; });
    s.input.addEventListener("change", onChange);
    return s.node;
  }));
  return { pools, weights };
}

export function resetSliders(sliders) {
  for (const input of sliders.pools.values()) { input.value = 100; input.dispatchEvent(new Event("input")); }
  for (const entry of sliders.weights.values()) {
    entry.input.value = entry.today;
    entry.input.dispatchEvent(new Event("input"));
    entry.moved = false;
  }
}

// The slider settings that differ from today, in words.
export function changesOf(sliders, doc) {
  const names = new Map((doc.objectives || []).map((o) => [o.id, o.name || o.id]));
  const words = [];
  for (const [pool, input] of sliders.pools) {
    if (Number(input.value) !== 100) words.push(`${pool === NO_POOL ? "all-pool" : pool} budgets ${input.value} %`);
  }
  for (const [id, { input, today, moved }] of sliders.weights) {
    if (moved && Math.abs(Number(input.value) - today) > 1e-9) words.push(`${names.get(id)} weight ${num(Number(input.value), 2)}`);
  }
  return words;
}

const round = (x) => Math.round(x * 1e6) / 1e6;

export function changedDocument(doc, sliders, name) {
  const copy = structuredClone(doc);
  for (const row of copy.budgets || []) {
    const input = sliders.pools.get(row.pool || NO_POOL);
    if (input) row.limit = round(Number(row.limit) * Number(input.value) / 100);
  }
  for (const objective of copy.objectives || []) {
    const s = sliders.weights.get(objective.id);
    if (s && s.moved) objective.weight = Number(s.input.value);
  }
  copy.name = `${doc.name || "portfolio"} – ${name}`;
  return copy;
}
