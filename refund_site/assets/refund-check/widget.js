/**
 * The refund self-check in the page: wires the form that the site build renders (see the widget
 * contract) to the Python `checker` running on Pyodide in a module worker (worker.js).
 *
 * JavaScript only renders: every verdict, reason and field error comes from the checker. The
 * visitor's answers stay in this page and in its URL fragment (never sent to a server, never
 * stored); the only requests are for the runtime files named by the widget's data attributes.
 *
 * Loaded once per page session as an ES module; with Material's instant navigation it mounts on
 * every new page through `document$`, and keeps one worker for the whole session so that coming
 * back to the policy does not load the runtime again.
 */

const FRAGMENT_PREFIX = "#check?";
const DEFAULT_TIMEOUT_MS = 20000;

const TEXT = {
  loading: "Loading the self-check…",
  ready: "The self-check is ready.",
  queued: "Checking as soon as the self-check has loaded…",
  failed:
    "Sorry, the self-check could not start in this browser. You can try again, " +
    "email support, or read the summary of the policy instead.",
  slow:
    "Sorry, the self-check took too long to start in this browser. You can try again, " +
    "email support, or read the summary of the policy instead.",
  noWasm:
    "Sorry, this browser cannot run the self-check: it needs WebAssembly, which is turned off " +
    "or not available here. You can email support or read the summary of the policy instead.",
  copied: "Copied the summary.",
  copyByHand: "The summary is selected below: copy it with Ctrl+C, or ⌘C on a Mac.",
  finalDecision: "Support makes the final decision.",
};

const VERDICT_ICON_LABEL = {
  likely_eligible: "Likely eligible",
  likely_not_eligible: "Likely not eligible",
  needs_review: "Needs review",
};

const EFFECT_WORDS = {
  supports: "Supports a refund",
  against: "Counts against a refund",
};

/* ------------------------------------------------------------------------------------------ */
/* The runtime: one worker for the page session, shared by every widget that is mounted.       */
/* ------------------------------------------------------------------------------------------ */

const runtime = {
  state: "idle", // idle | loading | ready | error
  message: "", // why it failed, in the visitor's words
  detail: "", // why it failed, technically: on the root's data-error-detail for developers
  worker: null,
  key: "", // which runtime files the worker was started with
  timer: 0,
  startedAt: 0,
  timings: null, // from the worker's ready message
  failures: 0, // failed loads so far: a retry then fetches past the HTTP cache
  nextId: 1,
  pending: new Map(), // check id -> {resolve, reject}
  widgets: new Set(),
};

function runtimeConfig(root) {
  const base = document.baseURI;
  const resolve = (value) => new URL(value || "", base).href;
  const timeout = Number.parseInt(root.dataset.timeout || "", 10);
  const config = {
    worker: resolve(root.dataset.worker),
    runtime: resolve(root.dataset.runtime),
    lock: resolve(root.dataset.lock),
    // A page built before the tailored standard library has none: Pyodide then uses its own.
    stdlib: root.dataset.stdlib ? resolve(root.dataset.stdlib) : undefined,
    package: root.dataset.package || "",
    timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
  };
  config.key = [config.worker, config.runtime, config.lock, config.stdlib, config.package].join(
    "\n",
  );
  return config;
}

function setRuntimeState(state, message = "") {
  runtime.state = state;
  runtime.message = message;
  for (const widget of [...runtime.widgets]) {
    if (!widget.root.isConnected) {
      // Instant navigation replaced the page: forget the old widget.
      runtime.widgets.delete(widget);
      continue;
    }
    widget.onRuntimeState(state, message);
  }
}

function startRuntime(config) {
  if (runtime.state === "loading" || runtime.state === "ready") {
    if (runtime.key === config.key) return;
    stopWorker(); // another site's runtime files: start again with these
  }
  if (typeof WebAssembly !== "object") {
    setRuntimeState("error", TEXT.noWasm);
    return;
  }
  runtime.key = config.key;
  runtime.startedAt = performance.now();
  runtime.timings = null;
  let worker;
  try {
    worker = new Worker(config.worker, { type: "module", name: "refund-check" });
  } catch {
    // For example a Content-Security-Policy without worker-src.
    failRuntime(TEXT.failed, "the worker could not be created");
    return;
  }
  runtime.worker = worker;
  worker.addEventListener("message", (event) => onWorkerMessage(worker, event.data));
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    if (worker === runtime.worker) failRuntime(TEXT.failed, event.message || "the worker failed");
  });
  worker.addEventListener("messageerror", () => {
    if (worker === runtime.worker) failRuntime(TEXT.failed, "a message could not be read");
  });
  // loadPyodide may never settle when WebAssembly cannot be instantiated: race it.
  runtime.timer = setTimeout(() => {
    if (worker === runtime.worker && runtime.state === "loading") {
      failRuntime(TEXT.slow, `not loaded within ${config.timeout} ms`);
    }
  }, config.timeout);
  setRuntimeState("loading");
  worker.postMessage({
    type: "load",
    runtime: config.runtime,
    lock: config.lock,
    stdlib: config.stdlib,
    package: config.package,
    retry: runtime.failures > 0,
  });
}

function stopWorker() {
  clearTimeout(runtime.timer);
  if (runtime.worker) runtime.worker.terminate();
  runtime.worker = null;
  for (const { reject } of runtime.pending.values()) reject(new Error("stopped"));
  runtime.pending.clear();
}

function failRuntime(message, detail = "") {
  runtime.failures += 1;
  runtime.detail = detail;
  stopWorker();
  setRuntimeState("error", message);
}

function onWorkerMessage(worker, message) {
  if (worker !== runtime.worker || !message || typeof message !== "object") return;
  if (message.type === "ready") {
    clearTimeout(runtime.timer);
    runtime.timings = message.timings || null;
    try {
      // For the benchmark: performance.getEntriesByName("refund-check:load") in the page.
      performance.measure("refund-check:load", {
        start: runtime.startedAt,
        end: performance.now(),
        detail: runtime.timings,
      });
    } catch {
      // An old browser without measure options: the timings are only for benchmarks.
    }
    setRuntimeState("ready");
  } else if (message.type === "result") {
    const pending = runtime.pending.get(message.id);
    runtime.pending.delete(message.id);
    if (pending) pending.resolve(String(message.json));
  } else if (message.type === "failed") {
    failRuntime(TEXT.failed, `${message.stage || "load"}: ${message.message || ""}`);
  }
}

/** Run the checker on `query` (the answers as a URL query); resolves with its JSON text. */
function runCheck(query, today) {
  return new Promise((resolve, reject) => {
    if (runtime.state !== "ready" || !runtime.worker) {
      reject(new Error("not ready"));
      return;
    }
    const id = runtime.nextId++;
    runtime.pending.set(id, { resolve, reject });
    runtime.worker.postMessage({ type: "check", id, query, today });
  });
}

/* ------------------------------------------------------------------------------------------ */
/* Small helpers.                                                                              */
/* ------------------------------------------------------------------------------------------ */

/** The visitor's local date as YYYY-MM-DD (not UTC: the policy counts the customer's days). */
function localToday() {
  const now = new Date();
  const pad = (number) => String(number).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** An element with attributes and children; strings become text nodes, never markup. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

/** Whether a date or number input can show `value` as it is. */
function fitsInput(input, value) {
  if (input.type === "date") {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return false;
    const [year, month, day] = match.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    return (
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day
    );
  }
  if (input.type === "number") return /^-?\d+(\.\d+)?$/.test(value);
  return true;
}

function fragmentQuery() {
  const hash = window.location.hash;
  return hash.startsWith(FRAGMENT_PREFIX) ? hash.slice(FRAGMENT_PREFIX.length) : null;
}

function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

function addToken(element, attribute, token) {
  const tokens = (element.getAttribute(attribute) || "").split(/\s+/).filter(Boolean);
  if (!tokens.includes(token)) tokens.push(token);
  element.setAttribute(attribute, tokens.join(" "));
}

function removeToken(element, attribute, token) {
  const tokens = (element.getAttribute(attribute) || "")
    .split(/\s+/)
    .filter((item) => item && item !== token);
  if (tokens.length) element.setAttribute(attribute, tokens.join(" "));
  else element.removeAttribute(attribute);
}

/* ------------------------------------------------------------------------------------------ */
/* One widget on the page.                                                                    */
/* ------------------------------------------------------------------------------------------ */

const wired = new WeakSet();

// The last result on screen, kept in memory only (never stored), to show it again when the same
// page is rendered anew: Material's instant navigation does so when the visitor comes back, and
// for the first same-page link followed, such as a clause's "Read it in the policy".
let lastShown = null;

class Widget {
  constructor(root) {
    this.root = root;
    const find = (selector) => root.querySelector(selector);
    this.form = find("[data-form]");
    this.status = find("[data-status]");
    this.errorSummary = find("[data-error-summary]");
    this.errorList = find("[data-error-list]");
    this.result = find("[data-result]");
    this.fallback = find("[data-fallback]");
    this.fallbackMessage = find("[data-fallback-message]");
    this.retryButton = find("[data-retry]");
    this.fallbackEmail = find("[data-fallback-email]");
    this.requestDate = find("[data-request-date]");
    this.requestDateFromFragment = false;
    this.fragment = ""; // the #check? query of the answers being checked
    this.queued = null; // the latest query waiting for the runtime
    this.lastRun = 0; // only the latest check's answer is shown
    this.checking = false; // a check was sent to the worker and has not come back
    this.retrying = false; // the visitor pressed "Try again" and waits for the outcome
    this.announceTimer = 0;
  }

  /** Where the runtime is and how long to wait for it, read afresh for each load. */
  get config() {
    return runtimeConfig(this.root);
  }

  mount() {
    const { root, form } = this;
    const intent = () => this.start();
    for (const type of ["pointerdown", "focusin", "keydown", "input"]) {
      root.addEventListener(type, intent, { passive: true });
    }
    form.addEventListener("change", () => this.syncConditions());
    form.addEventListener("input", () => this.syncConditions());
    form.addEventListener("submit", (event) => this.onSubmit(event));
    if (this.retryButton) {
      this.retryButton.addEventListener("click", () => this.retry());
    }
    if (this.errorSummary) {
      this.errorSummary.addEventListener("click", (event) => this.onErrorLink(event));
    }
    this.syncConditions();
    runtime.widgets.add(this);

    if (typeof WebAssembly !== "object") {
      // Say so before the visitor spends time on the questions.
      this.onRuntimeState("error", TEXT.noWasm, { quiet: true });
    } else if (runtime.key === this.config.key || runtime.state === "idle") {
      // Back on the page after instant navigation: show where the shared runtime is.
      this.onRuntimeState(runtime.state, runtime.message, { quiet: true });
    }
    const fragment = fragmentQuery();
    if (
      lastShown &&
      lastShown.path === location.pathname &&
      (fragment === null || fragment === lastShown.fragment)
    ) {
      // The same page again (Material re-renders it for some same-page links too): put the
      // result back at once, before the browser scrolls to the link's target.
      this.prefill(new URLSearchParams(lastShown.fragment));
      this.fragment = lastShown.fragment;
      this.showResult(lastShown.data, { quiet: true });
    } else if (fragment !== null) {
      this.runFromFragment();
    }
  }

  /** The first sign that the visitor means to use the form: start loading the runtime. */
  start() {
    if (runtime.state === "idle") startRuntime(this.config);
  }

  retry() {
    if (runtime.state === "loading" || runtime.state === "ready") return;
    this.retrying = true;
    runtime.state = "idle";
    startRuntime(this.config);
    // The button disappears with the message: keep focus where the progress is announced.
    if (this.status && runtime.state === "loading") {
      this.status.setAttribute("tabindex", "-1");
      this.status.focus();
    }
  }

  onRuntimeState(state, message, { quiet = false } = {}) {
    const { root } = this;
    root.dataset.state = state;
    const failed = state === "error";
    if (!failed) delete root.dataset.errorDetail;
    if (this.fallback) this.fallback.hidden = !failed;
    if (state === "loading") {
      if (!quiet) this.announce(this.queued !== null ? TEXT.queued : TEXT.loading);
    } else if (state === "ready") {
      this.retrying = false;
      if (!quiet) this.announce(TEXT.ready);
      if (this.queued !== null) {
        const query = this.queued;
        this.queued = null;
        this.execute(query);
      }
    } else if (failed) {
      root.dataset.errorDetail = runtime.detail || message || "";
      if (this.fallbackMessage) this.fallbackMessage.textContent = message || TEXT.failed;
      if (!quiet) {
        this.announce(message || TEXT.failed);
        // Move focus only for a visitor who is waiting (a check or a retry), never while
        // they are still answering the questions.
        if ((this.queued !== null || this.checking || this.retrying) && this.fallbackMessage) {
          this.fallbackMessage.setAttribute("tabindex", "-1");
          this.fallbackMessage.focus();
        }
        this.retrying = false;
      }
    }
  }

  announce(text) {
    const { status } = this;
    if (!status) return;
    clearTimeout(this.announceTimer);
    if (status.textContent === text) {
      // The same words again: empty the live region first so they are read again.
      status.textContent = "";
      this.announceTimer = setTimeout(() => {
        status.textContent = text;
      }, 100);
    } else {
      status.textContent = text;
    }
  }

  /* Conditional questions ------------------------------------------------------------------ */

  valueOf(field) {
    const item = this.form.elements.namedItem(field);
    if (!item) return "";
    if (item instanceof RadioNodeList) {
      const checked = [...item].find((input) => input.checked && !input.disabled);
      return checked ? checked.value : "";
    }
    return item.disabled ? "" : item.value;
  }

  /** Show a question only when the answers it depends on allow it; hidden ones are disabled. */
  syncConditions() {
    const blocks = [...this.form.querySelectorAll("[data-shown-when]")];
    // A question may depend on another conditional one: repeat until nothing changes.
    for (let pass = 0; pass <= blocks.length; pass++) {
      let changed = false;
      for (const block of blocks) {
        let conditions = {};
        try {
          conditions = JSON.parse(block.dataset.shownWhen || "{}");
        } catch {
          conditions = {}; // unreadable: better to ask the question than to hide it
        }
        const shown = Object.entries(conditions).every(
          ([field, allowed]) => Array.isArray(allowed) && allowed.includes(this.valueOf(field)),
        );
        if (block.hidden === shown) {
          block.hidden = !shown;
          changed = true;
        }
        for (const control of block.querySelectorAll("input, select, textarea")) {
          control.disabled = !shown;
        }
      }
      if (!changed) break;
    }
  }

  /* Answers and the fragment --------------------------------------------------------------- */

  setRequestDate() {
    if (this.requestDate && !this.requestDateFromFragment) this.requestDate.value = localToday();
  }

  /** Fill the form from a link's fragment; what it cannot show is left to the checker. */
  prefill(params) {
    const seen = new Set();
    this.requestDateFromFragment = false;
    for (const [field, value] of params) {
      if (seen.has(field)) continue; // the checker reports a question answered twice
      seen.add(field);
      if (this.requestDate && field === this.requestDate.name) {
        this.requestDate.value = value;
        this.requestDateFromFragment = true;
        continue;
      }
      const item = this.form.elements.namedItem(field);
      if (!item) continue;
      if (item instanceof RadioNodeList) {
        for (const input of item) input.checked = input.value === value;
      } else if (item instanceof HTMLInputElement && item.type === "radio") {
        item.checked = item.value === value;
      } else if (item instanceof HTMLInputElement && item.type !== "hidden") {
        // What the input cannot show is left empty (the browser would warn on the console);
        // the checker still sees the link's value and explains the problem.
        item.value = fitsInput(item, value) ? value : "";
      }
    }
    this.syncConditions();
  }

  runFromFragment() {
    const query = fragmentQuery();
    if (query === null) return;
    const params = new URLSearchParams(query);
    this.fragment = query;
    this.prefill(params);
    // Land on the widget: no element has the fragment as its id, so the browser does not scroll.
    this.root.scrollIntoView({
      block: "start",
      behavior: prefersReducedMotion() ? "auto" : "smooth",
    });
    // Send the link's answers as given, so the checker explains anything the form cannot show.
    if (!params.has("request_date")) params.append("request_date", localToday());
    this.run(params.toString());
  }

  onSubmit(event) {
    event.preventDefault();
    this.syncConditions();
    this.setRequestDate();
    const params = new URLSearchParams(new FormData(this.form));
    const shared = new URLSearchParams(params);
    // Today's date is filled in afresh whenever the link is opened, unless the link gave one.
    if (!this.requestDateFromFragment && this.requestDate) shared.delete(this.requestDate.name);
    this.fragment = shared.toString();
    this.run(params.toString());
    // After the answers are on their way to the worker, which checks them meanwhile: updating
    // the address takes the browser several milliseconds.
    this.saveFragment();
  }

  /** Keep the answers in the URL fragment to share or resume them (no new history entry). */
  saveFragment() {
    try {
      history.replaceState(history.state, "", FRAGMENT_PREFIX + this.fragment);
    } catch {
      // A sandboxed page may refuse; the check itself still works.
    }
  }

  run(query) {
    this.clearErrors();
    if (runtime.state === "ready" && runtime.key === this.config.key) {
      this.execute(query);
      return;
    }
    this.queued = query; // only the latest answers are checked once the runtime is ready
    if (runtime.state === "loading") {
      this.announce(TEXT.queued);
    } else {
      if (runtime.state === "error") runtime.state = "idle";
      startRuntime(this.config);
    }
  }

  execute(query) {
    const run = ++this.lastRun;
    const fragment = this.fragment;
    this.checking = true;
    runCheck(query, localToday()).then(
      (json) => {
        this.checking = false;
        if (run !== this.lastRun || !this.root.isConnected) return;
        let data;
        try {
          data = JSON.parse(json);
        } catch {
          failRuntime(TEXT.failed, "the checker's answer is not JSON");
          return;
        }
        if (!data || typeof data !== "object") failRuntime(TEXT.failed, "unexpected answer");
        else if (Array.isArray(data.errors)) {
          lastShown = null;
          this.showErrors(data.errors);
        } else {
          lastShown = { path: location.pathname, fragment, data };
          this.showResult(data);
        }
      },
      () => {
        this.checking = false;
        // The runtime failed while checking: check these answers after a successful retry.
        if (run === this.lastRun) this.queued = query;
      },
    );
  }

  /* Errors (GOV.UK Design System pattern) -------------------------------------------------- */

  clearErrors() {
    if (this.errorSummary) this.errorSummary.hidden = true;
    if (this.errorList) this.errorList.replaceChildren();
    for (const message of this.form.querySelectorAll("[data-field-error]")) {
      message.hidden = true;
      message.replaceChildren();
      const block = message.closest("[data-question]");
      if (!block) continue;
      block.classList.remove("refund-check__question--error");
      const field = block.dataset.question;
      const control = this.controlFor(block, field);
      if (control) {
        control.removeAttribute("aria-invalid");
        removeToken(control, "aria-describedby", message.id);
      }
    }
  }

  /** The element that holds a question's state for assistive technology: fieldset or input. */
  controlFor(block, field) {
    if (block.tagName === "FIELDSET") return block;
    return block.querySelector(`#rc-${CSS.escape(field)}`) || block.querySelector("input");
  }

  showErrors(errors) {
    this.result.hidden = true;
    const items = [];
    for (const error of errors) {
      const field = String((error && error.field) || "");
      const text = String((error && error.message) || "Please check this answer.");
      const block = field
        ? this.form.querySelector(`[data-question="${CSS.escape(field)}"]`)
        : null;
      const target = block && !block.hidden ? document.getElementById(`rc-${field}`) : null;
      if (block && !block.hidden && target) {
        items.push(h("li", {}, h("a", { href: `#rc-${field}`, "data-field": field }, text)));
        this.markField(block, field, text);
      } else {
        // Not a question on this form (for example an unknown key in a link): text only.
        items.push(h("li", {}, text));
      }
    }
    this.errorList.replaceChildren(...items);
    this.errorSummary.hidden = false;
    this.errorSummary.focus();
  }

  markField(block, field, text) {
    const message = block.querySelector("[data-field-error]");
    if (!message) return;
    if (message.hidden) message.replaceChildren();
    else message.append(h("br"));
    message.append(h("span", { class: "refund-check__visually-hidden" }, "Error: "), text);
    message.hidden = false;
    block.classList.add("refund-check__question--error");
    const control = this.controlFor(block, field);
    if (control) {
      control.setAttribute("aria-invalid", "true");
      addToken(control, "aria-describedby", message.id);
    }
  }

  onErrorLink(event) {
    const link = event.target instanceof Element ? event.target.closest("a[data-field]") : null;
    if (!link) return;
    const target = document.getElementById(`rc-${link.dataset.field}`);
    if (!target) return;
    // Keep the #check? fragment (and keep Material's instant navigation from handling the link);
    // show the question's label or legend above the field.
    event.preventDefault();
    event.stopPropagation();
    const block = target.closest("[data-question]") || target;
    block.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  /* The result ---------------------------------------------------------------------------- */

  labelOf(field) {
    const block = this.form.querySelector(`[data-question="${CSS.escape(field)}"]`);
    const label = block && block.querySelector("legend, label");
    return label ? label.textContent.trim() : field;
  }

  /** The checker's mailto link, but only if it goes to the address the page was built with. */
  mailtoFor(email) {
    const fallback = this.fallbackEmail ? this.fallbackEmail.getAttribute("href") || "" : "";
    const address = fallback.startsWith("mailto:") ? fallback.slice(7).split("?")[0] : "";
    const mailto = email && typeof email.mailto === "string" ? email.mailto : "";
    if (address && mailto.startsWith(`mailto:${address}?`)) return mailto;
    return fallback;
  }

  showResult(data, { quiet = false } = {}) {
    const verdict = String(data.verdict || "");
    const title = String(data.title || "");
    const clauses = Array.isArray(data.clauses) ? data.clauses : [];
    const missing = Array.isArray(data.missing) ? data.missing.map(String) : [];
    const notes = Array.isArray(data.notes) ? data.notes.map(String) : [];
    const alternatives = Array.isArray(data.alternatives) ? data.alternatives : [];
    const email = data.email && typeof data.email === "object" ? data.email : {};
    const summary = String(data.summary || "");
    const parts = [];

    parts.push(
      h(
        "h3",
        { class: "refund-check__verdict", "data-verdict": verdict },
        h("span", { class: "refund-check__verdict-icon", "aria-hidden": "true" }),
        h("span", { class: "refund-check__visually-hidden" }, "Result: "),
        title || VERDICT_ICON_LABEL[verdict] || verdict,
      ),
    );
    parts.push(h("p", { class: "refund-check__summary" }, summary));
    if (!summary.includes(TEXT.finalDecision)) {
      parts.push(h("p", { class: "refund-check__final" }, TEXT.finalDecision));
    }

    if (clauses.length) {
      parts.push(
        h("h4", {}, "Why"),
        h(
          "ul",
          { class: "refund-check__clauses" },
          clauses.map((clause) => {
            const effect = clause && clause.effect === "against" ? "against" : "supports";
            const id = String((clause && clause.id) || "");
            const linkable = /^[a-z0-9-]+$/.test(id) && document.getElementById(id);
            return h(
              "li",
              { class: `refund-check__clause refund-check__clause--${effect}` },
              h("span", { class: "refund-check__effect" }, `${EFFECT_WORDS[effect]}: `),
              h("q", {}, String((clause && clause.text) || "")),
              linkable ? [" ", h("a", { href: `#${id}` }, "Read it in the policy")] : null,
            );
          }),
        ),
      );
    }

    if (missing.length) {
      parts.push(
        h("h4", {}, "Answers that could change this result"),
        h(
          "ul",
          {},
          missing.map((field) => h("li", {}, this.labelOf(field))),
        ),
      );
    }

    if (notes.length) {
      parts.push(
        h("h4", {}, "Also good to know"),
        h(
          "ul",
          {},
          notes.map((note) => h("li", {}, note)),
        ),
      );
    }

    if (data.processing_time) {
      parts.push(h("h4", {}, "If a refund is approved"), h("p", {}, String(data.processing_time)));
    }

    if (alternatives.length) {
      parts.push(
        h("h4", {}, "Other ways support may help"),
        h("p", {}, "Support may also offer:"),
        h(
          "ul",
          {},
          alternatives.map((alternative) =>
            h("li", {}, String((alternative && alternative.text) || "")),
          ),
        ),
        h("p", {}, "You are free to decline these options."),
      );
    }

    const copyArea = h("textarea", {
      class: "refund-check__copy-area",
      readonly: true,
      rows: 8,
      "aria-label": "Summary to copy",
      hidden: true,
    });
    const copyButton = h("button", { type: "button", class: "md-button" }, "Copy summary");
    copyButton.addEventListener("click", () =>
      this.copySummary(
        this.plainSummary(data, clauses, missing, notes, alternatives, email),
        copyArea,
      ),
    );
    const changeButton = h(
      "button",
      { type: "button", class: "md-button refund-check__change" },
      "Change my answers",
    );
    changeButton.addEventListener("click", () => this.focusForm());
    const address = String(email.to || "");

    parts.push(
      h("h4", {}, "Write to support"),
      h(
        "p",
        {},
        "The email is ready with your answers and this result. Add your account email, your " +
          "order ID if you have it, and what happened, then send it.",
      ),
      h(
        "div",
        { class: "refund-check__actions" },
        h(
          "a",
          { class: "md-button md-button--primary", href: this.mailtoFor(email) },
          "Email support",
        ),
        copyButton,
        changeButton,
      ),
      address
        ? h(
            "p",
            { class: "refund-check__hint" },
            "If the link does not open your email program, copy the summary and write to ",
            h("span", { class: "refund-check__address" }, address),
            ".",
          )
        : null,
      copyArea,
    );

    this.result.replaceChildren(...parts);
    this.result.hidden = false;
    if (quiet) return;
    this.result.focus({ preventScroll: true });
    this.result.scrollIntoView({
      block: "start",
      behavior: prefersReducedMotion() ? "auto" : "smooth",
    });
  }

  plainSummary(data, clauses, missing, notes, alternatives, email) {
    const lines = [
      `Refund self-check: ${String(data.title || data.verdict || "")}`,
      String(data.summary || ""),
    ];
    if (clauses.length) {
      lines.push("", "Why:");
      for (const clause of clauses) {
        const effect = clause && clause.effect === "against" ? "against" : "supports";
        lines.push(`- ${EFFECT_WORDS[effect]}: “${String((clause && clause.text) || "")}”`);
      }
    }
    if (missing.length) {
      lines.push("", "Answers that could change this result:");
      for (const field of missing) lines.push(`- ${this.labelOf(field)}`);
    }
    if (notes.length) {
      lines.push("", "Also good to know:");
      for (const note of notes) lines.push(`- ${note}`);
    }
    if (alternatives.length) {
      lines.push("", "Support may also offer (you are free to decline):");
      for (const alternative of alternatives)
        lines.push(`- ${String((alternative && alternative.text) || "")}`);
    }
    if (email.body) {
      lines.push(
        "",
        `Email to support: ${String(email.to || "")}`,
        `Subject: ${String(email.subject || "")}`,
        "",
        String(email.body),
      );
    }
    return lines.join("\n");
  }

  copySummary(text, area) {
    const byHand = () => {
      area.value = text;
      area.hidden = false;
      area.focus();
      area.select();
      this.announce(TEXT.copyByHand);
    };
    if (!navigator.clipboard || typeof navigator.clipboard.writeText !== "function") {
      byHand();
      return;
    }
    navigator.clipboard.writeText(text).then(() => {
      area.hidden = true;
      this.announce(TEXT.copied);
    }, byHand);
  }

  focusForm() {
    const first = [
      ...this.form.querySelectorAll("input:not([type=hidden]), select, textarea"),
    ].find((control) => !control.disabled);
    const radios =
      first && first.type === "radio" ? this.form.elements.namedItem(first.name) : null;
    // For a radio group, focus the chosen option, as the arrow keys would.
    const target =
      (radios instanceof RadioNodeList && [...radios].find((input) => input.checked)) || first;
    if (!target) return;
    const block = target.closest("[data-question]") || target;
    block.scrollIntoView({ block: "start", behavior: prefersReducedMotion() ? "auto" : "smooth" });
    target.focus({ preventScroll: true });
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Mounting, with or without Material's instant navigation.                                   */
/* ------------------------------------------------------------------------------------------ */

function mount() {
  for (const root of document.querySelectorAll("[data-refund-check]")) {
    if (wired.has(root) || !root.querySelector("[data-form]")) continue;
    wired.add(root);
    new Widget(root).mount();
  }
}

// A support link opened while the page is already showing (a new #check? fragment).
window.addEventListener("hashchange", () => {
  const fragment = fragmentQuery();
  if (fragment === null) return;
  for (const widget of runtime.widgets) {
    if (!widget.root.isConnected) continue;
    // Back from a clause to the result it came from: nothing to do.
    if (lastShown && fragment === lastShown.fragment && !widget.result.hidden) continue;
    widget.runFromFragment();
  }
});

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => mount());
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount, { once: true });
} else {
  mount();
}
