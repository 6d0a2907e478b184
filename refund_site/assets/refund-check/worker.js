/**
 * The refund self-check's Python side: a module Web Worker that runs the `checker` package on
 * Pyodide, so the page's main thread never blocks while the 10 MB runtime starts.
 *
 * Protocol (the page's widget.js is the only client):
 *
 *   page -> worker  {type: "load", runtime, lock, stdlib, package, retry}
 *                      runtime: absolute URL of the folder holding pyodide.mjs (ends with "/")
 *                      lock:    absolute URL of the pyodide-lock.json that lists the checker wheel
 *                      stdlib:  absolute URL of the python_stdlib.zip to start Python with (the
 *                               build ships one holding only what the checker imports, compiled)
 *                      package: the wheel's name in that lock file
 *                      retry:   true after a failed load: fetch past the HTTP cache
 *   worker -> page  {type: "ready", timings: {start, runtime, package, import, total}}
 *                   {type: "failed", stage: "download"|"runtime"|"package"|"import", message}
 *
 *   page -> worker  {type: "check", id, query, today, source}
 *                      query: the self-check's answers as a URL query ("purchase_date=…&…")
 *                      today: the visitor's local date, YYYY-MM-DD
 *                      source: "form" (the form's answers) or "link" (a #check? link's)
 *   worker -> page  {type: "result", id, json, ms}   json: what checker.check_query returned
 *                   {type: "failed", id, stage: "check", message}
 *
 * Timings are milliseconds from performance.now() in this worker: `start` is when the load
 * message arrived (time since the worker was created), `runtime` importing pyodide.mjs and
 * loadPyodide(), `package` loadPackage() of the checker wheel, `import` importing `checker` and
 * one warm-up check, `total` the three together.
 */

import { describe, loadChecker } from "./load-checker.mjs";

let checkQuery = null;
let loading = null;
let reportFailure = null; // set while loading: ends the load at once with a failure
let bypassCache = false; // on a retry, a broken file in the HTTP cache must not fail it again

/*
 * loadPyodide() does not reject when a runtime file cannot be fetched (an aborted .wasm request
 * only logs a warning and the promise never settles), so the page would wait for its timeout.
 * Watching this worker's own fetches turns a failed download into an immediate failure.
 */
const fetchOriginal = self.fetch.bind(self);
self.fetch = async (resource, options) => {
  const url = String((resource && resource.url) || resource);
  const file = url.split("?")[0].split("/").pop();
  try {
    const response = await fetchOriginal(
      resource,
      bypassCache ? { ...(options || {}), cache: "reload" } : options,
    );
    if (!response.ok && reportFailure) {
      reportFailure(`Could not download ${file} (HTTP ${response.status}).`);
    }
    return response;
  } catch (error) {
    if (reportFailure) reportFailure(`Could not download ${file} (${describe(error)}).`);
    throw error;
  }
};

/*
 * A Content-Security-Policy that forbids compiling WebAssembly makes loadPyodide() hang, not fail.
 * The browser tells this worker about the violation: end the load at once instead of waiting for
 * the page's timeout.
 */
self.addEventListener("securitypolicyviolation", (event) => {
  if (reportFailure) {
    reportFailure(`The site's security policy blocked it (${event.effectiveDirective}).`);
  }
});

async function load({ runtime, lock, stdlib, package: packageName, retry }) {
  bypassCache = Boolean(retry);
  // Python's own output is not for the visitor and must not clutter the console; keep the last
  // lines of stderr to explain a failure.
  const stderr = [];
  let failed = false;
  const fail = (stage, message) => {
    if (failed) return;
    failed = true;
    reportFailure = null;
    self.postMessage({ type: "failed", stage, message });
  };
  reportFailure = (message) => fail("download", message);
  try {
    const { loadPyodide } = await import(new URL("pyodide.mjs", runtime).href);
    const loaded = await loadChecker({
      loadPyodide,
      indexURL: runtime,
      lockFileURL: lock,
      stdLibURL: stdlib,
      packageName,
      stderr: (line) => {
        stderr.push(line);
        if (stderr.length > 20) stderr.shift();
      },
    });
    reportFailure = null;
    if (failed) return;
    checkQuery = loaded.checkQuery;
    self.postMessage({ type: "ready", timings: loaded.timings });
  } catch (error) {
    const detail = stderr.length ? ` (${stderr[stderr.length - 1]})` : "";
    fail((error && error.stage) || "runtime", describe(error) + detail);
  }
}

function check({ id, query, today, source }) {
  if (!checkQuery) {
    self.postMessage({ type: "failed", id, stage: "check", message: "The checker is not loaded." });
    return;
  }
  const start = performance.now();
  try {
    // check_query never raises for bad answers (they come back as field errors); an exception
    // here means the checker itself is broken.
    const json = checkQuery.callKwargs(String(query), {
      today: String(today),
      source: source === "form" ? "form" : "link",
    });
    self.postMessage({
      type: "result",
      id,
      json: String(json),
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
  } catch (error) {
    self.postMessage({ type: "failed", id, stage: "check", message: describe(error) });
  }
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "load") {
    // One runtime per worker: a second load message gets the same answer as the first.
    loading = loading || load(message);
  } else if (message.type === "check") {
    // Checks sent before the runtime is ready wait for it; the page normally queues them itself.
    (loading || Promise.resolve()).then(() => check(message));
  }
});
