// Calls to the spmo HTTP API: the key from sessionStorage as X-API-Key on every
// call, errors as readable sentences, what the server offers read once from
// /openapi.json (so optional routes are never probed with failing requests),
// and jobs followed to their end.

const KEY = "spmo.apiKey";

export function apiKey() { return sessionStorage.getItem(KEY) || ""; }
export function setApiKey(value) {
  if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function headers(extra) {
  const h = { ...extra };
  if (apiKey()) h["X-API-Key"] = apiKey();
  return h;
}

// The sentence for a failed answer: 422 lists every problem (table, row, column).
async function errorOf(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  if (response.status === 401) return new ApiError(401, "The server needs a valid API key (enter it at the top).");
  if (response.status === 403) return new ApiError(403, "This API key may not do that (its role is too low).");
  if (body && Array.isArray(body.problems)) {
    const lines = body.problems.map((p) => [p.table, p.row != null ? `row ${p.row}` : null,
      p.column].filter((x) => x != null && x !== "").join(", ") + ": " + p.message);
    return new ApiError(response.status, "Invalid input:\n" + lines.join("\n"));
  }
  const detail = body && body.detail ? (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)) : response.statusText;
  return new ApiError(response.status, `The server answered ${response.status}: ${detail}`);
}

// fetch with the key; the answer's JSON (or the Response itself with raw=true).
export async function call(method, path, { json, form, raw = false } = {}) {
  const init = { method, headers: headers() };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  const response = await fetch(path, init);
  if (!response.ok) throw await errorOf(response);
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

let offered = null;

// What this server offers, from its OpenAPI document: {jobs, cancel, xlsx, html, multipart}.
export async function capabilities() {
  if (offered) return offered;
  const doc = await call("GET", "/openapi.json");
  const paths = Object.entries(doc.paths || {});
  const has = (re, method) => paths.some(([p, ops]) => re.test(p) && ops[method]);
  const create = (doc.paths["/v1/portfolios"] || {}).post || {};
  const content = ((create.requestBody || {}).content) || {};
  offered = {
    jobs: has(/^\/v1\/jobs$/, "post"),
    cancel: has(/^\/v1\/jobs\/\{[^}]+\}$/, "delete"),
    xlsx: has(/^\/v1\/jobs\/\{[^}]+\}\/plan\.xlsx$/, "get"),
    html: has(/^\/v1\/jobs\/\{[^}]+\}\/plan\.html$/, "get"),
    multipart: "multipart/form-data" in content,
  };
  return offered;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Follow job `id` until it ends; onProgress(job) after every poll. Resolves with
// the done job; rejects with the job's problems when it failed or was cancelled.
export async function followJob(id, onProgress, isCancelled = () => false) {
  for (let delay = 300; ; delay = Math.min(delay * 1.5, 1500)) {
    const job = await call("GET", `/v1/jobs/${encodeURIComponent(id)}`);
    onProgress(job);
    if (job.status === "done") return job;
    if (job.status === "failed" || job.status === "cancelled") {
      const problems = (job.problems || []).map((p) => p.message || JSON.stringify(p));
      throw new ApiError(0, `The job ${job.status}${problems.length ? ": " + problems.join("; ") : ""}.`);
    }
    if (isCancelled()) throw new ApiError(0, "Cancelled.");
    await sleep(delay);
  }
}

export async function cancelJob(id) {
  const caps = await capabilities();
  if (caps.cancel) await call("DELETE", `/v1/jobs/${encodeURIComponent(id)}`).catch(() => null);
}
