// @ts-check
/**
 * The refund self-check's Python side: a module Web Worker that runs the `checker` package on
 * Pyodide, so the page's main thread never blocks while the 10 MB runtime starts.
 *
 * Protocol (the page's widget.js is the only client):
 *
 *   page -> worker  {type: "load", runtime, lock, stdlib, wheel, wheelSha256, package, retry,
 *                    waiting}
 *                      runtime: absolute URL of the folder holding pyodide.mjs (ends with "/")
 *                      lock:    absolute URL of the pyodide-lock.json that lists the checker wheel
 *                      stdlib:  absolute URL of the standard library to start Python with (the
 *                               build ships one holding only what the checker imports, compiled;
 *                               a name ending in .gz is gzipped, and unzipped here)
 *                      wheel, wheelSha256: the checker's wheel, as that lock lists it
 *                      package: the wheel's name in that lock file
 *                      retry:   true after a failed load: fetch past the HTTP cache
 *                      waiting: a visitor's check waits: it takes the warm-up check's place
 *   worker -> page  {type: "progress", file, received}   bytes of a file received so far
 *                   {type: "downloaded"}                  every file is here: Python starts
 *                   {type: "ready", timings: {start, runtime, package, import, total}}
 *                   {type: "failed", stage: "download"|"runtime"|"package"|"import", message}
 *
 *   page -> worker  {type: "check", id, query, today, source, page}
 *                      query: the self-check's answers as a URL query ("purchase_date=…&…")
 *                      today: the visitor's local date, YYYY-MM-DD
 *                      source: "form" (the form's answers) or "link" (a #check? link's)
 *                      page: the policy page's address, for the email's link to these answers
 *   worker -> page  {type: "result", id, json, ms}   json: what checker.check_query returned
 *                   {type: "failed", id, stage: "check", message}
 *
 * Timings are milliseconds from performance.now() in this worker: `start` is when the load
 * message arrived (time since the worker was created), `runtime` importing pyodide.mjs and
 * loadPyodide(), `package` loadPackage() of the checker wheel, `import` importing `checker` and
 * one warm-up check, `total` the three together.
 */

import { describe, loadChecker, settle } from "./load-checker.mjs";

let checkQuery = null;
let unsettled = null; // the runtime, until the first check has run and gc.freeze() after it
let loading = null;
let reportFailure = null; // set while loading: ends the load at once with a failure
let bypassCache = false; // on a retry, a broken file in the HTTP cache must not fail it again

/*
 * Every file a check needs is fetched at once, in parallel, as soon as the page asks for the
 * runtime (Pyodide would fetch them one wave after another), and read as it arrives, so the page
 * can show how much has come and tell a slow download (bytes arriving) from a stalled one (none).
 * When Pyodide then asks for a file, it gets the download already under way.
 */
const prefetched = new Map(); // absolute URL -> Promise<Response>, handed out once
const PROGRESS_EVERY_MS = 200;

/** @param {string | URL} url @returns {string} */
function fileName(url) {
  return String(url).split("?")[0].split("/").pop() || "";
}

/**
 * Start downloading ``url`` now, counting its bytes for the page, and keep the response for the
 * fetch that asks for ``as`` (by default the same URL). ``gunzip``: the file is gzipped (the
 * standard library), and is handed over unzipped. Resolves when every byte has arrived.
 */
function track(url, options, { gunzip = false, as = url } = {}) {
  const name = fileName(url);
  let received = 0;
  let arrived;
  const whole = new Promise((resolve) => {
    arrived = resolve;
  });
  let reported = 0;
  const report = (force) => {
    const now = performance.now();
    if (force || now - reported >= PROGRESS_EVERY_MS) {
      reported = now;
      self.postMessage({ type: "progress", file: name, received });
    }
  };
  const response = fetchOriginal(url, options).then((answer) => {
    if (!answer.ok || !answer.body) {
      arrived();
      return answer;
    }
    const counted = answer.body.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          received += chunk.byteLength;
          report(false);
          controller.enqueue(chunk);
        },
        flush() {
          report(true);
          arrived();
        },
      }),
    );
    // Read ahead, whoever consumes it and whenever: the network never waits for Python.
    const [kept, drained] = counted.tee();
    drained.pipeTo(new WritableStream()).catch((error) => {
      arrived();
      if (reportFailure) reportFailure(`Could not download ${name} (${describe(error)}).`);
    });
    // A host that sends it with Content-Encoding: gzip has had the browser unzip it already.
    const unzip = gunzip && !answer.headers.get("content-encoding");
    const body = unzip ? kept.pipeThrough(new DecompressionStream("gzip")) : kept;
    const headers = new Headers(answer.headers);
    if (unzip) headers.delete("content-length");
    return new Response(body, { status: answer.status, statusText: answer.statusText, headers });
  });
  response.catch((error) => {
    arrived();
    if (reportFailure) reportFailure(`Could not download ${name} (${describe(error)}).`);
  });
  prefetched.set(as, response);
  return whole;
}

/*
 * loadPyodide() does not reject when a runtime file cannot be fetched (an aborted .wasm request
 * only logs a warning and the promise never settles), so the page would wait for its timeout.
 * Watching this worker's own fetches turns a failed download into an immediate failure.
 */
const fetchOriginal = self.fetch.bind(self);
self.fetch = async (resource, options) => {
  const address = resource instanceof Request ? resource.url : String(resource);
  const url = new URL(address, self.location.href).href;
  const file = fileName(url);
  try {
    if (prefetched.has(url)) {
      const early = prefetched.get(url);
      prefetched.delete(url);
      const response = await early;
      if (!response.ok && reportFailure) {
        reportFailure(`Could not download ${file} (HTTP ${response.status}).`);
      }
      return response;
    }
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

async function load({
  runtime,
  lock,
  stdlib,
  wheel,
  wheelSha256,
  package: packageName,
  module: moduleName,
  retry,
  waiting,
}) {
  bypassCache = Boolean(retry);
  const cache = bypassCache ? { cache: "reload" } : {};
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
    const gzipped = fileName(stdlib).endsWith(".gz");
    // Handed to Pyodide under a .zip name: it reads the bytes, unzipped above.
    const stdLibURL = gzipped ? stdlib.replace(/\.gz(\?.*)?$/, "") : stdlib;
    const imported = (name) => {
      const module = import(new URL(name, runtime).href);
      // Module scripts cannot be read as they arrive: counted whole once imported.
      module.then(() => self.postMessage({ type: "progress", file: name, done: true }), () => {});
      return module;
    };
    const script = imported("pyodide.asm.mjs");
    const loader = imported("pyodide.mjs");
    const downloads = [
      track(new URL("pyodide.asm.wasm", runtime).href, cache),
      track(stdlib, cache, { gunzip: gzipped, as: stdLibURL }),
      track(lock, cache),
      script,
      loader,
    ];
    if (wheel) {
      // Verified by the browser against the lock's sha256, as Pyodide would.
      const integrity = wheelSha256 ? `sha256-${base64(wheelSha256)}` : undefined;
      downloads.push(track(wheel, { ...cache, integrity }));
    }
    Promise.all(downloads).then(
      () => self.postMessage({ type: "downloaded" }),
      () => {},
    );
    const { loadPyodide } = await loader;
    const createPyodideModule = (await script).default;
    const loaded = await loadChecker({
      loadPyodide: (options) => loadPyodide({ ...options, createPyodideModule }),
      indexURL: runtime,
      lockFileURL: lock,
      stdLibURL,
      packageName,
      moduleName,
      stderr: (line) => {
        stderr.push(line);
        if (stderr.length > 20) stderr.shift();
      },
      // A visitor's check is waiting: it is the warm-up, and its answer comes first.
      warmUp: !waiting,
    });
    reportFailure = null;
    if (failed) return;
    checkQuery = loaded.checkQuery;
    if (waiting) unsettled = loaded.pyodide;
    self.postMessage({ type: "ready", timings: loaded.timings });
  } catch (error) {
    const detail = stderr.length ? ` (${stderr[stderr.length - 1]})` : "";
    fail((error && error.stage) || "runtime", describe(error) + detail);
  }
}

function base64(hex) {
  const bytes = hex.match(/../g).map((pair) => Number.parseInt(pair, 16));
  return btoa(String.fromCharCode(...bytes));
}

function check({ id, query, today, source, page }) {
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
      page: String(page || ""),
    });
    self.postMessage({
      type: "result",
      id,
      json: String(json),
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
    if (unsettled) {
      const pyodide = unsettled;
      unsettled = null;
      setTimeout(() => settle(pyodide), 0); // after the answer has gone
    }
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
