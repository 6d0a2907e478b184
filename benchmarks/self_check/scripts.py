"""The self-check benchmark's code that runs in the page: the instrumentation installed before any
script of every page, the fast visitor's fill, the bare-Pyodide reference page and the probe.

The reference page is the benchmark's own yardstick (issue 5: the widget's start against a bare
``loadPyodide()`` of the stock files), not an older version of the site.
"""

from __future__ import annotations

INIT_SCRIPT = r"""
(() => {
  if (window.__bench) return;
  const B = (window.__bench = {
    longtasks: [], first: null, states: [], submits: [], verdicts: [], painted: [],
    problems: [], worker: [],
  });
  const waiters = [];
  const wake = () => {
    for (const waiter of [...waiters]) {
      if (waiter.test()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  // A promise for a condition on B, re-checked whenever B changes (no polling in the page).
  B.until = (test, ms = 60000) => new Promise((resolve, reject) => {
    if (test()) return resolve();
    const waiter = { test, resolve };
    waiters.push(waiter);
    setTimeout(() => {
      const index = waiters.indexOf(waiter);
      if (index >= 0) {
        waiters.splice(index, 1);
        reject(new Error("benchmark: timed out waiting in the page"));
      }
    }, ms);
  });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        B.longtasks.push({ start: entry.startTime, duration: entry.duration });
      }
    }).observe({ type: "longtask", buffered: true });
  } catch (error) {
    B.longtasksUnsupported = String(error);
  }
  // The first sign of intent on the widget, with the input event's own time stamp.
  for (const type of ["pointerdown", "keydown", "focusin", "input"]) {
    document.addEventListener(type, (event) => {
      const target = event.target;
      if (B.first === null && target && target.closest && target.closest("[data-policy-check]")) {
        B.first = event.timeStamp;
        wake();
      }
    }, { capture: true, passive: true });
  }
  document.addEventListener("submit", () => { B.submits.push(performance.now()); wake(); },
                            { capture: true });
  // The worker's own timings (ready) and check times (result), without touching widget.js.
  const NativeWorker = window.Worker;
  if (NativeWorker) {
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        this.addEventListener("message", (event) => {
          const data = event.data;
          const kinds = ["ready", "result", "failed"];
          if (data && typeof data === "object" && kinds.includes(data.type)) {
            B.worker.push({ t: performance.now(), type: data.type, timings: data.timings || null,
                            ms: data.ms === undefined ? null : data.ms,
                            message: data.message || null });
            wake();
          }
        });
      }
    };
  }
  const watch = () => {
    const root = document.querySelector("[data-policy-check]");
    if (!root) return;
    const result = root.querySelector("[data-result]");
    const summary = root.querySelector("[data-error-summary]");
    let state = root.dataset.state;
    let shown = null;
    let summaryShown = false;
    B.states.push({ state, t: performance.now() });
    new MutationObserver(() => {
      const now = performance.now();
      if (root.dataset.state !== state) {
        state = root.dataset.state;
        B.states.push({ state, t: now });
      }
      const child = result && !result.hidden ? result.firstElementChild : null;
      if (child && child !== shown) {
        shown = child;
        B.verdicts.push(now);
        requestAnimationFrame(() => { B.painted.push(performance.now()); wake(); });
      }
      const summaryVisible = !!summary && !summary.hidden;
      if (summaryVisible && !summaryShown) B.problems.push(summary.innerText);
      summaryShown = summaryVisible;
      wake();
    }).observe(root, { attributes: true, childList: true, subtree: true, characterData: true });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch, { once: true });
  } else {
    watch();
  }
})();
"""

# Fills the rest of the form at once and submits it (the "fill fast" visitor).
FILL_AND_SUBMIT = """
({answers, daysAgo, submit}) => {
  const form = document.querySelector("[data-policy-check] [data-form]");
  const day = new Date();
  day.setDate(day.getDate() - daysAgo);
  const pad = (n) => String(n).padStart(2, "0");
  const date = form.querySelector('[name="purchase_date"]');
  date.value = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
  date.dispatchEvent(new Event("input", { bubbles: true }));
  date.dispatchEvent(new Event("change", { bubbles: true }));
  for (const [name, value] of Object.entries(answers)) {
    const input = form.querySelector(`input[name="${name}"][value="${value}"]`);
    input.checked = true;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const stateAtSubmit = form.closest("[data-policy-check]").dataset.state;
  if (submit) form.querySelector('button[type="submit"]').click();
  return stateAtSubmit;
}
"""

BARE_PYODIDE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bare Pyodide (benchmark reference)</title></head>
<body><p>Stock Pyodide files, bare <code>loadPyodide()</code>.</p>
<script type="module">
// In a module worker, as the widget does: from creating the worker to its answer.
window.benchWorker = () => new Promise((resolve, reject) => {
  const start = performance.now();
  const worker = new Worker(new URL("worker.mjs", location.href), { type: "module" });
  worker.onmessage = (event) => resolve({ start, total: performance.now() - start, ...event.data });
  worker.onerror = (event) => reject(new Error("bare-Pyodide worker failed: " + event.message));
  setTimeout(() => reject(new Error("bare-Pyodide worker timed out")), 60000);
  worker.postMessage({});
});
// On the main thread: importing pyodide.mjs and loadPyodide().
window.benchMain = async () => {
  const start = performance.now();
  const { loadPyodide } = await import("./pyodide/pyodide.mjs");
  const imported = performance.now();
  const pyodide = await loadPyodide();
  const end = performance.now();
  return { start, end, total: end - start, import: imported - start, load: end - imported,
           version: pyodide.version };
};
</script></body></html>
"""

BARE_PYODIDE_WORKER = """
self.onmessage = async () => {
  const start = performance.now();
  const { loadPyodide } = await import("./pyodide/pyodide.mjs");
  const imported = performance.now();
  const pyodide = await loadPyodide();
  const end = performance.now();
  self.postMessage({ import: imported - start, load: end - imported, inside: end - start,
                     version: pyodide.version });
};
"""

# Times `import checker` and check_json in Pyodide, with the site's own runtime files and lock,
# loaded the one way the page's worker loads them (the site's load-checker.mjs), without its
# warm-up check so that the first call is a cold one.
PROBE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>checker in Pyodide (benchmark probe)</title>
</head><body><script type="module">
window.benchProbe = (settings) => new Promise((resolve, reject) => {
  const worker = new Worker(new URL("probe.mjs", location.href), { type: "module" });
  worker.onmessage = (event) => event.data.error ? reject(new Error(event.data.error))
                                                 : resolve(event.data);
  worker.onerror = (event) => reject(new Error("probe worker failed: " + event.message));
  setTimeout(() => reject(new Error("probe timed out")), 60000);
  worker.postMessage(settings);
});
</script></body></html>
"""

PROBE_WORKER = r"""
self.onmessage = async ({ data }) => {
  try {
    const { loadPyodide } = await import(new URL("pyodide.mjs", data.runtime).href);
    const { loadChecker } = await import(data.loader);
    // The site ships its standard library gzipped; the page's worker unzips it as it arrives.
    let stdLibURL = data.stdlib;
    if (stdLibURL.endsWith(".gz")) {
      const zipped = await fetch(stdLibURL);
      const unzipped = zipped.body.pipeThrough(new DecompressionStream("gzip"));
      const bytes = await new Response(unzipped).arrayBuffer();
      stdLibURL = stdLibURL.replace(/\.gz$/, "");
      const original = self.fetch.bind(self);
      self.fetch = (input, init) =>
        String(input instanceof Request ? input.url : input) === stdLibURL
          ? Promise.resolve(new Response(bytes))
          : original(input, init);
    }
    const { checker, timings } = await loadChecker({
      loadPyodide, indexURL: data.runtime, lockFileURL: data.lock, stdLibURL,
      packageName: data.package, moduleName: data.module, warmUp: false,
    });
    const checkJson = checker.check_json;
    let start = performance.now();
    const first = String(checkJson.callKwargs(data.answers, { today: data.today }));
    const firstMs = performance.now() - start;
    start = performance.now();
    checkJson.callKwargs(data.answers, { today: data.today });
    const againMs = performance.now() - start;
    self.postMessage({ importMs: timings.import, firstMs, againMs,
                       verdict: JSON.parse(first).verdict || null });
  } catch (error) {
    self.postMessage({ error: String(error && error.message || error) });
  }
};
"""
