// Downloads of the plan shown: JSON always (the plan as the API gave it);
// Excel and HTML from GET /v1/jobs/{id}/plan.xlsx and plan.html when the server
// offers them. Without plan.html the page writes its own report (tables, and
// the charts as pictures); without plan.xlsx the Excel button is hidden with a note.

import { call, capabilities } from "./api.js";
import { download, el, slug } from "./format.js";

export async function offered() {
  const caps = await capabilities();
  return { xlsx: caps.xlsx, html: caps.html };
}

export function downloadJson(scenario) {
  const blob = new Blob([JSON.stringify(scenario.plan, null, 2)], { type: "application/json" });
  download(`plan-${slug(scenario.name)}.json`, blob);
}

export async function downloadFromServer(scenario, suffix) {
  const response = await call("GET", `/v1/jobs/${encodeURIComponent(scenario.jobId)}/plan.${suffix}`, { raw: true });
  download(`plan-${slug(scenario.name)}.${suffix}`, await response.blob());
}

const escapeHtml = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// A self-contained report of the Plan screen: its tables as they are, its
// charts as PNG pictures (Plotly.toImage), no script.
export async function downloadHtml(scenario, panel) {
  const copy = panel.cloneNode(true);
  for (const node of copy.querySelectorAll("button, select, .downloads, label, #download-note")) node.remove();
  for (const details of copy.querySelectorAll("details")) details.setAttribute("open", "");
  for (const chart of panel.querySelectorAll(".chart")) {
    const target = copy.querySelector(`#${chart.id}`);
    if (!target || !chart.data) continue;
    const url = await Plotly.toImage(chart, { format: "png", width: 1200, height: chart.offsetHeight || 400 });
    target.replaceWith(el("img", { src: url, alt: chart.getAttribute("aria-label") || chart.id, style: "max-width:100%" }));
  }
  const css = [...document.styleSheets].flatMap((s) => { try { return [...s.cssRules].map((r) => r.cssText); } catch { return []; } }).join("\n");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(scenario.name)} – spmo plan</title>` +
    `<style>${css}</style></head><body><main><h1>${escapeHtml(scenario.name)}</h1>` +
    `<p class="help">Portfolio ${escapeHtml(scenario.doc.name || scenario.pid)}, plan of job ${escapeHtml(scenario.jobId)}; ` +
    `written ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by the spmo planner page.</p>` +
    `${copy.innerHTML}</main></body></html>`;
  download(`plan-${slug(scenario.name)}.html`, new Blob([html], { type: "text/html" }));
}
