/**
 * The runtime client: one module worker (worker.js) running the Python `checker` on Pyodide, for
 * the whole page session, shared by every widget that is mounted.
 *
 * Its state goes through setState() only: idle -> loading -> ready, or error (with why, in the
 * page's words, and a technical detail for developers). Listeners hear every change, and every
 * step of the download's progress.
 *
 * A download that moves is slow, not broken: the page gives up only when no byte has arrived for
 * ``stallTimeout`` (a stall), or when the runtime has not started ``startTimeout`` after its last
 * byte arrived (loadPyodide may never settle when WebAssembly cannot be instantiated).
 */

const DEFAULT_STALL_MS = 15000;
const DEFAULT_START_MS = 30000;

const runtime = {
  state: "idle", // idle | loading | ready | error
  reason: "", // why it failed: a key of the page's status words
  detail: "", // why it failed, technically (on the widget's data-error-detail)
  worker: null,
  key: "", // which runtime files the worker was started with
  timer: 0,
  startedAt: 0,
  failures: 0, // failed loads so far: a retry then fetches past the HTTP cache
  progress: null, // {received, total} in bytes on the wire (estimated until responses arrive)
  sizes: {}, // file -> [bytes the stream yields, bytes on the wire]
  received: {}, // file -> bytes of it the stream has yielded so far
  nextId: 1,
  pending: new Map(), // check id -> {resolve, reject}
  listeners: new Set(),
};

export function runtimeState() {
  return {
    state: runtime.state,
    reason: runtime.reason,
    detail: runtime.detail,
    key: runtime.key,
    progress: runtime.progress,
  };
}

export function onRuntimeChange(listener) {
  runtime.listeners.add(listener);
  return () => runtime.listeners.delete(listener);
}

function setState(state, reason = "", detail = "") {
  runtime.state = state;
  runtime.reason = reason;
  runtime.detail = detail;
  for (const listener of [...runtime.listeners]) listener(runtimeState());
}

function milliseconds(text, fallback) {
  const number = Number.parseInt(text || "", 10);
  return Number.isFinite(number) && number > 0 ? number : fallback;
}

/** Where the runtime is and how long to wait for it, from the widget's data attributes. */
export function runtimeConfig(root) {
  const resolve = (value) => new URL(value || "", document.baseURI).href;
  let sizes;
  try {
    sizes = JSON.parse(root.dataset.downloads || "{}");
  } catch {
    sizes = {}; // no totals: the bar then shows nothing, the stall detector still works
  }
  const config = {
    worker: resolve(root.dataset.worker),
    runtime: resolve(root.dataset.runtime),
    lock: resolve(root.dataset.lock),
    stdlib: resolve(root.dataset.stdlib),
    wheel: root.dataset.wheel ? resolve(root.dataset.wheel) : "",
    wheelSha256: root.dataset.wheelSha256 || "",
    package: root.dataset.package || "",
    module: root.dataset.module || "",
    stallTimeout: milliseconds(root.dataset.stallTimeout, DEFAULT_STALL_MS),
    startTimeout: milliseconds(root.dataset.startTimeout, DEFAULT_START_MS),
    sizes,
  };
  config.key = [
    config.worker,
    config.runtime,
    config.lock,
    config.stdlib,
    config.package,
    config.module,
  ].join("\n");
  return config;
}

/** Start loading the runtime, unless it is loading or ready with these files already.
 * ``waiting``: a visitor's check waits for it (the worker then skips its warm-up check). */
export function startRuntime(config, { waiting = false } = {}) {
  if ((runtime.state === "loading" || runtime.state === "ready") && runtime.key === config.key) {
    return;
  }
  stopWorker();
  if (typeof WebAssembly !== "object") {
    setState("error", "no_wasm", "WebAssembly is not available");
    return;
  }
  runtime.key = config.key;
  runtime.startedAt = performance.now();
  let worker;
  try {
    worker = new Worker(config.worker, { type: "module", name: "refund-check" });
  } catch {
    // For example a Content-Security-Policy without worker-src.
    fail("failed", "the worker could not be created");
    return;
  }
  runtime.worker = worker;
  worker.addEventListener("message", (event) => onMessage(worker, event.data));
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    if (worker === runtime.worker) fail("failed", event.message || "the worker failed");
  });
  worker.addEventListener("messageerror", () => {
    if (worker === runtime.worker) fail("failed", "a message could not be read");
  });
  runtime.config = config;
  runtime.sizes = config.sizes;
  runtime.received = {};
  runtime.progress = measure();
  waitFor("stalled", config.stallTimeout);
  setState("loading");
  worker.postMessage({
    type: "load",
    runtime: config.runtime,
    lock: config.lock,
    stdlib: config.stdlib,
    wheel: config.wheel,
    wheelSha256: config.wheelSha256,
    package: config.package,
    module: config.module,
    retry: runtime.failures > 0,
    waiting,
  });
}

/** Give up with ``reason`` unless something happens within ``ms`` (each call starts again). */
function waitFor(reason, ms) {
  clearTimeout(runtime.timer);
  const worker = runtime.worker;
  runtime.timer = setTimeout(() => {
    if (worker === runtime.worker && runtime.state === "loading") {
      const what = reason === "stalled" ? "no byte arrived" : "not started";
      fail(reason, `${what} within ${ms} ms`);
    }
  }, ms);
}

/** The download's progress in bytes on the wire: each file's share of its own wire size. */
function measure() {
  let received = 0;
  let total = 0;
  for (const [file, [raw, wire]] of Object.entries(runtime.sizes)) {
    const got = Math.min(runtime.received[file] || 0, raw);
    total += wire;
    received += raw > 0 ? (wire * got) / raw : 0;
  }
  return total > 0 ? { received: Math.round(received), total } : null;
}

function onProgress(message) {
  const file = String(message.file || "");
  const size = runtime.sizes[file];
  if (!size) return;
  runtime.received[file] = message.done ? size[0] : Number(message.received) || 0;
  runtime.progress = measure();
  // Bytes are moving: the download is slow, not stalled.
  waitFor("stalled", runtime.config.stallTimeout);
  for (const listener of [...runtime.listeners]) listener({ ...runtimeState(), progressed: true });
}

function stopWorker() {
  clearTimeout(runtime.timer);
  if (runtime.worker) runtime.worker.terminate();
  runtime.worker = null;
  for (const { reject } of runtime.pending.values()) reject(new Error("stopped"));
  runtime.pending.clear();
}

function fail(reason, detail) {
  runtime.failures += 1;
  stopWorker();
  setState("error", reason, detail);
}

function onMessage(worker, message) {
  if (worker !== runtime.worker || !message || typeof message !== "object") return;
  if (message.type === "progress") {
    onProgress(message);
  } else if (message.type === "downloaded") {
    // Every byte is here: Python starts, which takes no download, only time.
    waitFor("slow", runtime.config.startTimeout);
  } else if (message.type === "ready") {
    clearTimeout(runtime.timer);
    try {
      // For the benchmark: performance.getEntriesByName("refund-check:load") in the page.
      performance.measure("refund-check:load", {
        start: runtime.startedAt,
        end: performance.now(),
        detail: message.timings || null,
      });
    } catch {
      // An old browser without measure options: the timings are only for benchmarks.
    }
    setState("ready");
  } else if (message.type === "result") {
    const pending = runtime.pending.get(message.id);
    runtime.pending.delete(message.id);
    if (pending) pending.resolve(String(message.json));
  } else if (message.type === "failed") {
    fail("failed", `${message.stage || "load"}: ${message.message || ""}`);
  }
}

/**
 * Run the checker on ``query`` (answers as a URL query) from ``source`` ("form" or "link"),
 * with the visitor's ``today``; resolves with the checker's JSON text.
 */
export function runCheck(query, today, source, page = "") {
  return new Promise((resolve, reject) => {
    if (runtime.state !== "ready" || !runtime.worker) {
      reject(new Error("not ready"));
      return;
    }
    const id = runtime.nextId++;
    runtime.pending.set(id, { resolve, reject });
    runtime.worker.postMessage({ type: "check", id, query, today, source, page });
  });
}

/** The visitor's local date as YYYY-MM-DD (not UTC: the policy counts the customer's days). */
export function localToday() {
  const now = new Date();
  const pad = (number) => String(number).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
