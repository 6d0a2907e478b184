// @ts-check
/**
 * The runtime client: one module worker (worker.js) running the Python `checker` on Pyodide, for
 * one self-check. It holds no state of the page's: it reports what happens (loading, progress,
 * ready, or why it failed, with a technical detail for developers) to the self-check's state
 * machine (machine.js), which decides what the visitor sees.
 *
 * A download that moves is slow, not broken: it gives up only when no byte has arrived for
 * ``stallTimeout`` (a stall), or when the runtime has not started ``startTimeout`` after its last
 * byte arrived (loadPyodide may never settle when WebAssembly cannot be instantiated).
 */

const DEFAULT_STALL_MS = 15000;
const DEFAULT_START_MS = 30000;

/**
 * @typedef {{worker: string, runtime: string, lock: string, stdlib: string, wheel: string,
 *   wheelSha256: string, package: string, module: string, stallTimeout: number,
 *   startTimeout: number, sizes: Record<string, [number, number]>, key: string}} RuntimeConfig
 * @typedef {{type: "runtime", status: import("./machine.js").RuntimeStatus, detail?: string}
 *   | {type: "progress", progress: import("./machine.js").Progress | null}} RuntimeEvent
 */

/** @param {string | undefined} text @param {number} fallback */
function milliseconds(text, fallback) {
  const number = Number.parseInt(text || "", 10);
  return Number.isFinite(number) && number > 0 ? number : fallback;
}

/**
 * Where the runtime is and how long to wait for it, from the widget's data attributes.
 * @param {HTMLElement} root @returns {RuntimeConfig}
 */
export function runtimeConfig(root) {
  /** @param {string | undefined} value */
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
    key: "",
  };
  config.key = [config.worker, config.runtime, config.lock, config.stdlib, config.package,
    config.module].join("\n");
  return config;
}

/**
 * One module worker running the checker, for one self-check. It reports what happens as events
 * for the state machine (machine.js): {type: "runtime", status} and {type: "progress"}.
 */
export class CheckerRuntime {
  /** @param {RuntimeConfig} config @param {(event: RuntimeEvent) => void} report */
  constructor(config, report) {
    this.config = config;
    this.report = report;
    /** @type {"idle" | "loading" | "ready" | "error"} */
    this.state = "idle";
    /** @type {Worker | null} */
    this.worker = null;
    this.timer = 0;
    this.startedAt = 0;
    this.failures = 0; // failed loads so far: a retry then fetches past the HTTP cache
    /** @type {Record<string, number>} file -> bytes of it the stream has yielded so far */
    this.received = {};
    this.nextId = 1;
    /** @type {Map<number, {resolve: (json: string) => void, reject: (error: Error) => void}>} */
    this.pending = new Map();
  }

  /** Start loading, unless it is loading or ready. ``waiting``: a visitor's check waits for it
   * (the worker then skips its warm-up check). */
  start({ waiting = false } = {}) {
    if (this.state === "loading" || this.state === "ready") return;
    this.stop();
    if (typeof WebAssembly !== "object") {
      this.state = "error";
      this.report({ type: "runtime", status: "no_wasm", detail: "WebAssembly is not available" });
      return;
    }
    this.startedAt = performance.now();
    let worker;
    try {
      worker = new Worker(this.config.worker, { type: "module", name: "policy-check" });
    } catch {
      // For example a Content-Security-Policy without worker-src.
      this.fail("failed", "the worker could not be created");
      return;
    }
    this.worker = worker;
    worker.addEventListener("message", (event) => this.onMessage(worker, event.data));
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      if (worker === this.worker) this.fail("failed", event.message || "the worker failed");
    });
    worker.addEventListener("messageerror", () => {
      if (worker === this.worker) this.fail("failed", "a message could not be read");
    });
    this.received = {};
    this.waitFor("stalled", this.config.stallTimeout);
    this.state = "loading";
    this.report({ type: "runtime", status: "loading" });
    this.report({ type: "progress", progress: this.measure() });
    const { config } = this;
    worker.postMessage({
      type: "load",
      runtime: config.runtime,
      lock: config.lock,
      stdlib: config.stdlib,
      wheel: config.wheel,
      wheelSha256: config.wheelSha256,
      package: config.package,
      module: config.module,
      retry: this.failures > 0,
      waiting,
    });
  }

  /** Give up with ``reason`` unless something happens within ``ms`` (each call starts again).
   * @param {"stalled" | "slow"} reason @param {number} ms */
  waitFor(reason, ms) {
    clearTimeout(this.timer);
    const worker = this.worker;
    this.timer = setTimeout(() => {
      if (worker === this.worker && this.state === "loading") {
        const what = reason === "stalled" ? "no byte arrived" : "not started";
        this.fail(reason, `${what} within ${ms} ms`);
      }
    }, ms);
  }

  /** The download's progress in bytes on the wire: each file's share of its own wire size.
   * @returns {import("./machine.js").Progress | null} */
  measure() {
    let received = 0;
    let total = 0;
    for (const [file, [raw, wire]] of Object.entries(this.config.sizes)) {
      const got = Math.min(this.received[file] || 0, raw);
      total += wire;
      received += raw > 0 ? (wire * got) / raw : 0;
    }
    return total > 0 ? { received: Math.round(received), total } : null;
  }

  stop() {
    clearTimeout(this.timer);
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(new Error("stopped"));
    this.pending.clear();
  }

  /** @param {"failed" | "stalled" | "slow"} reason @param {string} detail */
  fail(reason, detail) {
    this.failures += 1;
    this.stop();
    this.state = "error";
    // A connection that is gone is said as such: the visitor can tell what to fix.
    const status = navigator.onLine === false ? "offline" : reason;
    this.report({ type: "runtime", status, detail });
  }

  /** @param {Worker} worker @param {any} message */
  onMessage(worker, message) {
    if (worker !== this.worker || !message || typeof message !== "object") return;
    if (message.type === "progress") {
      const file = String(message.file || "");
      const size = this.config.sizes[file];
      if (!size) return;
      this.received[file] = message.done ? size[0] : Number(message.received) || 0;
      // Bytes are moving: the download is slow, not stalled.
      this.waitFor("stalled", this.config.stallTimeout);
      this.report({ type: "progress", progress: this.measure() });
    } else if (message.type === "downloaded") {
      // Every byte is here: Python starts, which takes no download, only time.
      this.waitFor("slow", this.config.startTimeout);
    } else if (message.type === "ready") {
      clearTimeout(this.timer);
      try {
        // For the benchmark: performance.getEntriesByName("policy-check:load") in the page.
        performance.measure("policy-check:load", {
          start: this.startedAt,
          end: performance.now(),
          detail: message.timings || null,
        });
      } catch {
        // An old browser without measure options: the timings are only for benchmarks.
      }
      this.state = "ready";
      this.report({ type: "runtime", status: "ready" });
    } else if (message.type === "result") {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (pending) pending.resolve(String(message.json));
    } else if (message.type === "failed") {
      this.fail("failed", `${message.stage || "load"}: ${message.message || ""}`);
    }
  }

  /**
   * Run the checker on ``query`` (answers as a URL query) from ``source`` ("form" or "link"),
   * with the visitor's ``today``; resolves with the checker's JSON text.
   * @param {string} query @param {string} today @param {string} source @param {string} page
   * @returns {Promise<string>}
   */
  check(query, today, source, page = "") {
    return new Promise((resolve, reject) => {
      if (this.state !== "ready" || !this.worker) {
        reject(new Error("not ready"));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: "check", id, query, today, source, page });
    });
  }
}

/** The visitor's local date as YYYY-MM-DD (not UTC: the policy counts the customer's days). */
export function localToday() {
  const now = new Date();
  const pad = (number) => String(number).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
