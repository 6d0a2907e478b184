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
 *                   {type: "failed", stage: "runtime"|"package"|"import", message}
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

const round = (ms) => Math.round(ms * 10) / 10;

// A complete set of answers in the self-check's URL form, with its own "today", for the warm-up
// check: it takes the path of a real answer (verdict, reasons, notes, email) whatever the date.
// tests/site/test_build.py holds that the checker still gives a verdict for it.
const WARM_UP_QUERY =
  "purchase_date=2026-05-01&purchase_type=credit_pack&reason=duplicate_payment&credits_used=none" +
  "&chargeback_filed=false&payment_provider=unsure&request_date=2026-05-03";
const WARM_UP_TODAY = "2026-05-03";

/** An error's last line (for a Python traceback, the exception), without runtime internals. */
function describe(error) {
  const text = String((error && error.message) || error || "unknown error");
  return (
    text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .slice(-1)[0] || text
  );
}

async function load({ runtime, lock, stdlib, package: packageName, retry }) {
  const start = performance.now();
  bypassCache = Boolean(retry);
  // Python's own output is not for the visitor and must not clutter the console; keep the last
  // lines of stderr to explain a failure.
  const stderr = [];
  const keep = (line) => {
    stderr.push(line);
    if (stderr.length > 20) stderr.shift();
  };

  let stage = "runtime";
  let failed = false;
  const fail = (message) => {
    if (failed) return;
    failed = true;
    reportFailure = null;
    self.postMessage({ type: "failed", stage, message });
  };
  reportFailure = fail;
  try {
    const { loadPyodide } = await import(new URL("pyodide.mjs", runtime).href);
    const pyodide = await loadPyodide({
      indexURL: runtime,
      lockFileURL: lock,
      stdLibURL: stdlib,
      stdout: () => {},
      stderr: keep,
    });
    const runtimeDone = performance.now();

    stage = "package";
    // loadPackage reports progress on the console by default, and does not throw when the wheel
    // fails: a wrong sha256 fails the download (watched above) or only reaches errorCallback.
    // The import below is the real test.
    const packageErrors = [];
    await pyodide.loadPackage(packageName, {
      messageCallback: () => {},
      errorCallback: (message) => packageErrors.push(message),
    });
    const packageDone = performance.now();

    stage = "import";
    let checker;
    try {
      checker = pyodide.pyimport("checker");
    } catch (error) {
      const why = packageErrors.length ? packageErrors.join(" ") : describe(error);
      throw new Error(`The checker package did not load: ${why}`);
    }
    checkQuery = checker.check_query;
    if (typeof checkQuery !== "function") {
      throw new Error("The checker package has no check_query function.");
    }
    // One check nobody waits for, so the visitor's first is as quick as the ones after it:
    // the first call runs code for the first time (WebAssembly compiled lazily, Python caches).
    checkQuery.callKwargs(WARM_UP_QUERY, { today: WARM_UP_TODAY });
    pyodide.runPython("import gc; gc.collect(); gc.freeze()");
    const importDone = performance.now();
    reportFailure = null;
    if (failed) return;

    self.postMessage({
      type: "ready",
      timings: {
        start: round(start),
        runtime: round(runtimeDone - start),
        package: round(packageDone - runtimeDone),
        import: round(importDone - packageDone),
        total: round(importDone - start),
      },
    });
  } catch (error) {
    const detail = stderr.length ? ` (${stderr[stderr.length - 1]})` : "";
    fail(describe(error) + detail);
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
    // here means the runtime itself is broken.
    const json = checkQuery.callKwargs(String(query), {
      today: String(today),
      source: source === "form" ? "form" : "link",
    });
    self.postMessage({
      type: "result",
      id,
      json: String(json),
      ms: round(performance.now() - start),
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
