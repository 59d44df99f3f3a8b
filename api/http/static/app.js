// spmo planner page: the wiring. State is one base portfolio (stored on the
// server, its document here) and the scenarios planned from it, each
// {name, pid, doc, jobId, plan, changes}; the first is today's plan.

import { ApiError, apiKey, call, cancelJob, capabilities, followJob, setApiKey } from "./api.js";
import { renderOutcomes, renderPareto, renderSensitivity, runStudy, wholeOf } from "./decisions.js";
import { downloadFromServer, downloadHtml, downloadJson, offered } from "./downloads.js";
import { namesOf, num } from "./format.js";
import { parseFactors, renderFrontier, runFrontier } from "./frontier.js";
import { renderFunding } from "./funding.js";
import { renderConflicts, renderExcluded, renderHeatmap, renderKpis, renderRecommendations, renderRoadmap,
  renderSelected, renderSpend } from "./plan.js";
import { prepareReplanForm, renderReplan, replanForm, replanInputs } from "./replan.js";
import { renderScenarios } from "./scenarios.js";
import { buildSliders, changedDocument, changesOf, resetSliders } from "./whatif.js";

const $ = (id) => document.getElementById(id);
const state = { base: null, names: null, studies: {}, scenarios: [], shown: -1, sliders: null, busy: false,
  pending: false, jobId: null, cancelled: false, compare: new Set() };

function setStatus(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

function fail(error) {
  setStatus(error instanceof ApiError || error instanceof Error ? error.message : String(error), true);
  if (error instanceof ApiError && error.status === 401) $("api-key").focus();
}

// ---- tabs (WAI-ARIA tabs: arrows, Home and End move between them) ----
const tabs = () => [...document.querySelectorAll("[role=tab]")];

function selectTab(tab, focus = true) {
  for (const t of tabs()) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (focus) tab.focus();
  const panel = $(tab.getAttribute("aria-controls"));
  if (panel.id === "panel-scenarios") renderComparison();
  for (const chart of panel.querySelectorAll(".chart")) if (chart.data) Plotly.Plots.resize(chart);
}

function initTabs() {
  for (const tab of tabs()) tab.addEventListener("click", () => selectTab(tab));
  document.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
    const all = tabs(), at = all.indexOf(document.activeElement);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (at < 0 || to === undefined) return;
    event.preventDefault();
    selectTab(all[(to + all.length) % all.length]);
  });
}

// ---- jobs: one at a time, with progress ----
function showProgress(label, job) {
  $("job").hidden = false;
  $("job-label").textContent = label;
  const bar = $("job-progress"), p = job && job.progress;
  if (p && p.total) { bar.max = p.total; bar.value = p.done; } else bar.removeAttribute("value");
  const since = job && (job.started || job.submitted);
  const seconds = since ? Math.max(0, (Date.now() - Date.parse(since)) / 1000) : null;
  $("job-text").textContent = !job ? "waiting for the server" : [job.status,
    p && p.total ? `${p.done} of ${p.total}` : null,
    seconds !== null && job.status === "running" ? `${num(seconds, 0)} s` : null].filter(Boolean).join(", ");
}

async function busy(label, work) {
  state.busy = true;
  state.cancelled = false;
  document.body.dataset.busy = "true";
  for (const id of ["solve", "replan", "draw-frontier", ...STUDIES]) $(id).disabled = true;
  $("job-cancel").hidden = false;
  showProgress(label, null);
  try {
    return await work((job) => { if (job) state.jobId = job.id; showProgress(label, job); });
  } finally {
    state.busy = false;
    state.jobId = null;
    $("job").hidden = true;
    $("job-cancel").hidden = true;
    document.body.dataset.busy = "false";
    enableButtons();
  }
}

function enableButtons() {
  $("solve").disabled = !state.base || state.busy;
  $("replan").disabled = !state.scenarios.length || state.busy;
  $("draw-frontier").disabled = state.shown < 0 || state.busy;
  for (const id of STUDIES) $(id).disabled = !state.base || state.busy;
}

const timeLimit = () => Math.max(1, Number($("time-limit").value) || 10);

// Solve stored portfolio `pid` as a job; the plan becomes a new scenario, shown
// on Plan (the Plan tab is opened unless `stay`: a re-plan keeps the planner
// at the sliders, where the latest scenario's key figures appear).
async function solveAsScenario(pid, doc, name, changes, explain, stay = false) {
  const query = new URLSearchParams({ time_limit: timeLimit(), explain });
  const base = state.base;
  const scenario = await busy(`Planning ${name}`, async (progress) => {
    const queued = await call("POST", `/v1/portfolios/${encodeURIComponent(pid)}/solve?${query}`);
    progress({ ...queued, status: "queued" });
    const job = await followJob(queued.id, progress, () => state.cancelled);
    return { name, pid, doc, jobId: job.id, plan: job.plan || job.result, changes };
  });
  if (state.base !== base) return null;  // another portfolio was chosen meanwhile
  state.scenarios.push(scenario);
  state.compare.add(state.scenarios.length - 1);
  showScenario(state.scenarios.length - 1, stay);
  if (state.scenarios.length > 1) {
    $("whatif-latest").hidden = false;
    $("whatif-latest-name").textContent = name;
    renderKpis($("whatif-kpis"), scenario.plan, namesOf(doc), doc, state.scenarios[0].plan);
  }
  document.body.dataset.scenarios = String(state.scenarios.length);
  $("scenario-name").value = `Scenario ${state.scenarios.length + 1}`;
  setStatus(`${name}: ${scenario.plan.status}, ${(scenario.plan.selected || []).length} projects selected.`);
  return scenario;
}

// ---- portfolio: list, choose, upload ----
async function loadList(select = null) {
  const list = await call("GET", "/v1/portfolios");
  const box = $("stored");
  box.replaceChildren(new Option("Choose a stored portfolio", ""), ...list.map((p) =>
    new Option(`${p.name || "unnamed"} (${num(p.projects, 0)} projects, ${p.id})`, p.id)));
  if (select) box.value = select;
}

async function choose(pid) {
  if (!pid) return;
  const doc = await call("GET", `/v1/portfolios/${encodeURIComponent(pid)}`);
  state.base = { pid, doc };
  state.names = namesOf(doc);
  state.scenarios = [];
  state.compare = new Set();
  state.shown = -1;
  state.sliders = buildSliders(doc, $("pool-sliders"), $("weight-sliders"), onSlider);
  state.studies = {};
  for (const id of ["plan-body", "whatif-body", "scenarios-body", "whatif-latest", "var-result",
    "pareto-result", "sens-result", "replan-result"]) $(id).hidden = true;
  prepareReplanForm(doc, $("replan-now"), $("replan-actuals-help"));
  for (const id of ["plan-empty", "whatif-empty", "scenarios-empty"]) $(id).hidden = false;
  enableButtons();
  setStatus(`Loaded ${doc.name || pid}: ${num((doc.projects || []).length, 0)} projects over ${num((doc.periods || []).length, 0)} periods. Solve to see the plan.`);
}

async function upload(file) {
  const caps = await capabilities();
  let saved;
  if (/\.xlsx$/i.test(file.name)) {
    if (!caps.multipart) throw new Error("This server does not take workbooks yet: upload the portfolio as JSON (spmo can convert: see docs/excel.md).");
    const form = new FormData();
    form.append("file", file, file.name);
    saved = await call("POST", "/v1/portfolios", { form });
  } else {
    let doc;
    try { doc = JSON.parse(await file.text()); } catch (e) { throw new Error(`${file.name} is not JSON: ${e.message}`); }
    saved = await call("POST", "/v1/portfolios", { json: doc });
  }
  await loadList(saved.id);
  await choose(saved.id);
  const warnings = saved.warnings && saved.warnings.length ? ` Warnings: ${saved.warnings.join("; ")}` : "";
  setStatus(`Stored ${saved.name || file.name} as ${saved.id}. Solve to see the plan.${warnings}`);
}

// ---- the plan shown ----
function showScenario(index, stay = false) {
  state.shown = index;
  const s = state.scenarios[index];
  const names = namesOf(s.doc);
  $("showing").replaceChildren(...state.scenarios.map((x, i) => new Option(x.name, String(i))));
  $("showing").value = String(index);
  for (const id of ["plan-body", "whatif-body"]) $(id).hidden = false;
  for (const id of ["plan-empty", "whatif-empty"]) $(id).hidden = true;
  if (!stay) selectTab($("tab-plan"), false);
  renderConflicts($("conflicts-box"), $("conflicts"), $("relaxation"), s.plan);
  renderKpis($("kpis"), s.plan, names, s.doc);
  renderRoadmap($("roadmap"), s.plan, names);
  renderSelected($("selected-table"), s.plan, names);
  renderSpend($("spend"), s.plan, s.doc);
  renderFunding($("funding-box"), { chart: $("funding-chart"), summary: $("funding-summary"),
    split: $("funding-split"), rows: $("funding-rows"), byPeriod: $("funding-periods") }, s.plan, names);
  renderHeatmap($("heatmap"), s.plan, names);
  renderExcluded($("excluded"), s.plan, names);
  renderRecommendations($("recommendations-box"), $("recommendations"), s.plan, names);
  document.body.dataset.shown = s.name;
  enableButtons();
}

// What the server offers (read from /openapi.json, which may need the key).
async function refreshCapabilities() {
  const caps = await capabilities();
  const has = await offered();
  $("upload-help").textContent = caps.multipart ? "A .json portfolio or an .xlsx workbook (spmo template)."
    : "A .json portfolio (this server takes no workbooks yet).";
  $("download-xlsx").hidden = !has.xlsx;
  $("download-note").textContent = [
    has.xlsx ? null : "This server offers no Excel download yet: spmo solve PORTFOLIO --out plan.xlsx writes one.",
    has.html ? null : "The HTML report is written by this page (tables and charts as pictures).",
  ].filter(Boolean).join(" ");
}

function initDownloads() {
  const shown = () => state.scenarios[state.shown];
  $("download-json").addEventListener("click", () => downloadJson(shown()));
  $("download-xlsx").addEventListener("click", () => downloadFromServer(shown(), "xlsx").catch(fail));
  $("download-html").addEventListener("click", async () => {
    try {
      if ((await offered()).html) await downloadFromServer(shown(), "html");
      else await downloadHtml(shown(), $("panel-plan"));
    } catch (error) { fail(error); }
  });
}

// ---- what if ----
function uniqueName(name) {
  const taken = new Set(state.scenarios.map((s) => s.name));
  let out = name.trim() || `Scenario ${state.scenarios.length + 1}`;
  for (let i = 2; taken.has(out); i += 1) out = `${name.trim()} (${i})`;
  return out;
}

async function replan() {
  if (state.busy) { state.pending = true; return; }
  const base = state.base;
  const words = changesOf(state.sliders, base.doc);
  $("whatif-changes").textContent = words.length ? `Changes: ${words.join(", ")}.` : "No changes from today.";
  const name = uniqueName($("scenario-name").value);
  const doc = changedDocument(base.doc, state.sliders, name);
  const saved = await call("POST", "/v1/portfolios", { json: doc });
  await solveAsScenario(saved.id, doc, name, words.join(", ") || "none", "none", true);
}

function onSlider() {
  if (!$("auto-replan").checked || !state.scenarios.length) return;
  clearTimeout(state.timer);
  state.timer = setTimeout(() => replan().catch(fail), 500);
}

// ---- scenarios ----
function renderComparison() {
  const enough = state.scenarios.length >= 2;
  $("scenarios-body").hidden = !enough;
  $("scenarios-empty").hidden = enough;
  if (!enough) return;
  $("scenario-picks").replaceChildren(...state.scenarios.map((s, i) => {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", id: `pick-${i}`, checked: state.compare.has(i) });
    box.addEventListener("change", () => { box.checked ? state.compare.add(i) : state.compare.delete(i); renderComparison(); });
    const label = Object.assign(document.createElement("label"), { htmlFor: box.id, textContent: s.name });
    const wrap = document.createElement("div");
    wrap.className = "field check";
    wrap.append(box, label);
    return wrap;
  }));
  const chosen = state.scenarios.filter((_, i) => state.compare.has(i));
  if (chosen.length < 2) { setStatus("Tick at least two scenarios to compare."); return; }
  renderScenarios({ kpiGrid: $("kpi-grid"), scatter: $("scatter"), changes: $("changes"),
    projectGrid: $("project-grid") }, chosen, namesOf(state.base.doc));
}

// ---- frontier ----
async function drawFrontier() {
  const s = state.scenarios[state.shown];
  const factors = parseFactors($("factors").value);
  const frontier = await busy(`Budget frontier of ${s.name}`, (progress) =>
    runFrontier(s.pid, factors, { time_limit: timeLimit() }, progress));
  state.frontier = frontier;
  renderFrontier($("frontier-chart"), $("frontier-table"), frontier);
  setStatus(`Budget frontier of ${s.name}: ${frontier.points.length} levels, ${frontier.points.filter((p) => p.proven).length} proven.`);
}

// ---- decisions: value at risk, Pareto frontier, sensitivity (each a job) ----
const STUDIES = ["run-outcomes", "run-pareto", "run-sensitivity", "run-replan"];

function studyFields(kind) {
  if (kind === "outcomes") {
    const target = $("var-target").value.trim();
    return { samples: wholeOf($("var-samples"), 10000), seed: wholeOf($("var-seed"), 1),
      ...(target ? { target: Number(target) } : {}) };
  }
  if (kind === "pareto") return { objectives: ["strategic", "financial"],
    steps: wholeOf($("pareto-steps-n"), 4), exact: $("pareto-exact").checked };
  return { samples: wholeOf($("sens-samples"), 30), radius: Number($("sens-radius").value) || 0.1,
    seed: 1, weights: $("sens-weights").checked };
}

function showStudy(kind) {
  const study = state.studies[kind], names = state.names;
  if (!study) return;
  const box = { outcomes: "var-result", pareto: "pareto-result", sensitivity: "sens-result",
    replan: "replan-result" }[kind];
  $(box).hidden = false;
  $(box).dataset.job = study.id;
  if (kind === "outcomes") renderOutcomes($("var-figures"), $("var-chart"), study.result);
  else if (kind === "pareto") renderPareto($("pareto-chart"), $("pareto-table"), $("pareto-moves"), study.result, names);
  else if (kind === "replan") renderReplan({ figures: $("replan-figures"), dropped: $("replan-dropped"), decisions: $("replan-decisions"),
    drift: $("replan-drift"), chart: $("replan-chart") }, study.result, names);
  else renderSensitivity($("sens-table"), $("sens-weight-table"), $("sens-notes"), study.result, names);
}

const STUDY_NAME = { outcomes: "Value at risk", pareto: "Pareto frontier", sensitivity: "Sensitivity",
  replan: "Re-plan" };

// The re-plan's stored portfolio and its `plan` field (a copy is stored when
// the actuals or now are given here).
async function replanJob(base) {
  const shown = state.scenarios[state.shown];
  const form = await replanForm($("replan-plan-file"), $("replan-actuals-file"), $("replan-now"));
  const { pid, plan } = await replanInputs(base, shown ? shown.plan : null, form);
  return { pid, fields: { plan } };
}

async function runDecision(kind) {
  const base = state.base;
  const { pid, fields } = kind === "replan" ? await replanJob(base) : { pid: base.pid, fields: studyFields(kind) };
  const job = await busy(`${STUDY_NAME[kind]} of ${base.doc.name || base.pid}`, (progress) =>
    runStudy(kind, pid, fields, timeLimit(), progress, () => state.cancelled));
  if (state.base !== base) return;
  state.studies[kind] = job;
  showStudy(kind);
  document.body.dataset[kind] = job.id;
  setStatus(`${STUDY_NAME[kind]} of ${base.doc.name || base.pid} is done.`);
}

// ---- projector: larger text, charts drawn again at the new size ----
function setLargeText(on) {
  document.documentElement.classList.toggle("large", on);
  sessionStorage.setItem("spmo.largeText", on ? "1" : "");
  if (state.shown >= 0) showScenario(state.shown, true);
  if (state.frontier) renderFrontier($("frontier-chart"), $("frontier-table"), state.frontier);
  if (!$("panel-scenarios").hidden) renderComparison();
  for (const kind of Object.keys(state.studies || {})) showStudy(kind);
}

// ---- start ----
function start() {
  initTabs();
  $("api-key").value = apiKey();
  $("large-text").checked = Boolean(sessionStorage.getItem("spmo.largeText"));
  if ($("large-text").checked) setLargeText(true);
  $("large-text").addEventListener("change", () => setLargeText($("large-text").checked));
  $("api-key").addEventListener("change", () => {
    setApiKey($("api-key").value.trim());
    refreshCapabilities().then(() => loadList()).catch(fail);
  });
  $("refresh").addEventListener("click", () => loadList().then(() => setStatus("List refreshed.")).catch(fail));
  $("stored").addEventListener("change", () => choose($("stored").value).catch(fail));
  $("upload").addEventListener("change", () => { const f = $("upload").files[0]; if (f) upload(f).catch(fail); });
  $("solve").addEventListener("click", () => solveAsScenario(state.base.pid, state.base.doc,
    uniqueName("Today's plan"), "", $("explain").value).catch(fail));
  $("replan").addEventListener("click", () => replan().catch(fail));
  $("reset-sliders").addEventListener("click", () => { resetSliders(state.sliders); $("whatif-changes").textContent = "Back to today's values."; });
  $("job-cancel").addEventListener("click", () => { state.cancelled = true; if (state.jobId) cancelJob(state.jobId); });
  $("showing").addEventListener("change", () => showScenario(Number($("showing").value)));
  $("draw-frontier").addEventListener("click", () => drawFrontier().catch(fail));
  $("run-outcomes").addEventListener("click", () => runDecision("outcomes").catch(fail));
  $("run-pareto").addEventListener("click", () => runDecision("pareto").catch(fail));
  $("run-sensitivity").addEventListener("click", () => runDecision("sensitivity").catch(fail));
  $("run-replan").addEventListener("click", () => runDecision("replan").catch(fail));
  document.body.dataset.busy = "false";
  initDownloads();
  refreshCapabilities().then(() => loadList()).catch(fail);
  setInterval(() => { if (!state.busy && state.pending) { state.pending = false; replan().catch(fail); } }, 400);
}

start();
