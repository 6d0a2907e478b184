/**
 * The refund self-check in the page: the form the build made (see refund_check.html), the checker
 * on Pyodide in a module worker (runtime.js, worker.js), and one session that holds everything the
 * visitor answered and was told.
 *
 * One state (state.js) decides what the form shows, what the checker judges and what the link in
 * the address and the email carry: the form is drawn from it, the query sent to the checker and
 * written to the address is made from it, and the email lists the answers the checker judged.
 * Nothing the visitor enters leaves the page: the fragment (#check?...) is never sent to a server,
 * and nothing is stored.
 *
 * Loaded once per page session as an ES module; with Material's instant navigation it mounts on
 * every new page through `document$`, and keeps the session and the worker for the whole visit.
 */

import {
  changeOf,
  clearErrors,
  focusQuestion,
  readQuestions,
  readSupportFields,
  showErrors,
  showState,
} from "./form.js";
import { copySummary, showResult } from "./result.js";
import {
  localToday,
  onRuntimeChange,
  runCheck,
  runtimeConfig,
  runtimeState,
  startRuntime,
} from "./runtime.js";
import {
  EMPTY,
  REQUEST_DATE,
  fromLink,
  fromResult,
  queryOf,
  startedAgain,
  withAnswer,
  withRequestDate,
} from "./state.js";

const FRAGMENT_PREFIX = "#check?";

/* The session: kept in memory only, so that it outlives Material re-rendering the page. */
const session = {
  path: null,
  state: EMPTY,
  view: "questions", // questions | result
  result: null, // the checker's last result, shown in the result view
  errors: null, // the checker's last errors
  fragment: null, // the #check? query in the address, as last opened or written
  waiting: null, // {query, source}: to check as soon as the runtime is ready
  run: 0, // the latest check: only its answer is shown
  answered: 0, // checks answered so far (the widget's data-checks, for whoever waits on it)
  checking: false,
  retrying: false,
};

let widget = null;

/**
 * The one way the session changes: merge ``changes`` into it, then draw the widget from it
 * (unless ``draw`` is false, when the caller draws after more work). Nothing else assigns to it.
 */
function update(changes, { draw = true } = {}) {
  Object.assign(session, changes);
  if (draw && widget && widget.root.isConnected) widget.render();
}

function fragmentQuery() {
  const { hash } = window.location;
  return hash.startsWith(FRAGMENT_PREFIX) ? hash.slice(FRAGMENT_PREFIX.length) : null;
}

function writeFragment(query) {
  update({ fragment: query }, { draw: false });
  try {
    history.replaceState(history.state, "", query === null ? "#check" : FRAGMENT_PREFIX + query);
  } catch {
    // A sandboxed page may refuse; the check itself still works.
  }
}

function smooth() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

class Widget {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("[data-form]");
    this.questions = readQuestions(this.form);
    this.supportFields = readSupportFields(root);
    this.words = Object.fromEntries(
      [...(root.querySelector("template[data-words]")?.content.children ?? [])].map((word) => [
        word.dataset.word,
        word.textContent,
      ]),
    );
    this.status = root.querySelector("[data-status]");
    this.submitButton = root.querySelector("[data-submit]");
    this.resultShown = null;
    this.announceTimer = 0;
  }

  get config() {
    return runtimeConfig(this.root);
  }

  mount() {
    const { root, form } = this;
    const intent = () => {
      if (runtimeState().state === "idle") startRuntime(this.config);
    };
    for (const type of ["pointerdown", "focusin", "keydown", "input"]) {
      root.addEventListener(type, intent, { passive: true });
    }
    const onChange = (event) => {
      const change = changeOf(event);
      if (!change) return;
      const state =
        change.field === REQUEST_DATE
          ? withRequestDate(session.state, change.value)
          : withAnswer(session.state, change.field, change.value, this.questions);
      update({ state }, { draw: false });
      showState(form, root, session.state, this.questions); // the form only: no flicker

    };
    form.addEventListener("change", onChange);
    form.addEventListener("input", onChange);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update({ errors: null }, { draw: false });
      judge(queryOf(session.state, this.questions, this.supportFields), "form");
    });
    root.querySelector("[data-use-today]")?.addEventListener("click", () => {
      update({ state: withRequestDate(session.state, null) });
      focusQuestion(root, this.questions[0].field, { smooth: false });
    });
    root.querySelector("[data-retry]")?.addEventListener("click", () => this.retry());
    root.querySelector("[data-start-again]")?.addEventListener("click", () => startAgain());
    root.querySelector("[data-copy]")?.addEventListener("click", () => {
      if (session.result) copySummary(root, String(session.result.copy_text || ""), (key) => this.announce(key));
    });
    root.addEventListener("click", (event) => this.onLink(event));
  }

  /** Links inside the widget that move to a question: keep the address and Material out. */
  onLink(event) {
    const link = event.target instanceof Element ? event.target.closest("a[data-field], a[data-change]") : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const field = link.dataset.field || link.dataset.change;
    if (link.hasAttribute("data-change")) update({ view: "questions" });
    focusQuestion(this.root, field, { smooth: false });
  }

  retry() {
    if (["loading", "ready"].includes(runtimeState().state)) return;
    update({ retrying: true }, { draw: false });
    startRuntime(this.config);
    // The button disappears with the message: keep focus where the progress is announced.
    this.status?.setAttribute("tabindex", "-1");
    this.status?.focus();
  }

  announce(key) {
    const text = this.words[key] || "";
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

  /** Draw everything from the session and the runtime's state. */
  render() {
    const { root, form } = this;
    const runtime = runtimeState();
    root.dataset.state = runtime.state;
    if (runtime.state === "error") root.dataset.errorDetail = runtime.detail;
    else delete root.dataset.errorDetail;
    showState(form, root, session.state, this.questions);

    const busy = session.waiting !== null || session.checking;
    root.dataset.checks = String(session.answered);
    root.setAttribute("aria-busy", String(busy));
    this.submitButton.setAttribute("aria-disabled", String(busy));
    this.submitButton.textContent = this.words[busy ? "submit_busy" : "submit"];
    this.submitButton.classList.toggle("refund-check__busy", busy);

    const fallback = root.querySelector("[data-fallback]");
    fallback.hidden = runtime.state !== "error";
    if (runtime.state === "error") {
      root.querySelector("[data-fallback-message]").textContent =
        this.words[runtime.reason] || this.words.failed;
    }

    const showing = session.view === "result" && session.result !== null;
    root.querySelector("[data-view=questions]").hidden = showing;
    root.querySelector("[data-result]").hidden = !showing;
    if (showing && this.resultShown !== session.result) {
      showResult(root, session.result, this.supportFields);
      this.resultShown = session.result;
    }
    if (session.errors) showErrors(root, session.errors, this.words.error_prefix, { focus: false });
    else clearErrors(root);
  }

  /** After a check: show its errors or its result, and move the visitor there. */
  showOutcome() {
    this.render();
    if (session.errors) {
      this.root.querySelector("[data-error-summary]").focus();
      return;
    }
    const result = this.root.querySelector("[data-result]");
    this.root.scrollIntoView({ block: "start", behavior: smooth() });
    result.focus({ preventScroll: true });
  }
}

function onRuntime(change) {
  if (!widget || !widget.root.isConnected) return;
  widget.render();
  if (change.state === "loading") {
    widget.announce(session.waiting ? "queued" : "loading");
  } else if (change.state === "ready") {
    const { waiting } = session;
    update({ retrying: false, waiting: null }, { draw: false });
    if (waiting) {
      execute(waiting);
    } else {
      widget.announce("ready");
    }
  } else if (change.state === "error") {
    const waited = session.waiting !== null || session.checking || session.retrying;
    update({ retrying: false, checking: false });
    widget.announce(change.reason);
    if (waited) widget.root.querySelector("[data-fallback-message]").focus();
  }
}

onRuntimeChange(onRuntime);

/** Check ``query`` (from ``source``: "form" or "link") now, or as soon as the runtime is ready. */
function judge(query, source) {
  if (!widget) return;
  const runtime = runtimeState();
  if (runtime.state === "ready" && runtime.key === widget.config.key) {
    execute({ query, source });
    return;
  }
  // Only the latest answers are checked when it is ready.
  update({ waiting: { query, source } });
  if (runtime.state !== "loading") startRuntime(widget.config);
  widget.announce("queued");
}

function execute({ query, source }) {
  const run = session.run + 1;
  update({ run, checking: true }, { draw: false });
  // Today is the visitor's, at the moment of the check (a page left open past midnight counts
  // the new day). The answers go to the worker first; the page is drawn while it checks.
  const pending = runCheck(query, localToday(), source);
  if (widget && widget.root.isConnected) widget.render();
  pending.then(
    (json) => {
      if (run !== session.run) return;
      const answered = session.answered + 1;
      let data = null;
      try {
        data = JSON.parse(json);
      } catch {
        data = null;
      }
      if (!data || typeof data !== "object") {
        update({ checking: false, answered });
        return;
      }
      if (Array.isArray(data.errors)) {
        update({ checking: false, answered, errors: data.errors, view: "questions" }, { draw: false });
      } else {
        const state = widget
          ? fromResult(data.answers, session.state, widget.questions, widget.supportFields)
          : session.state;
        update(
          { checking: false, answered, errors: null, result: data, view: "result", state },
          { draw: false },
        );
        if (widget) writeFragment(queryOf(state, widget.questions, widget.supportFields));
      }
      if (widget && widget.root.isConnected) widget.showOutcome();
    },
    () => {
      // The runtime failed while checking: check these answers after a successful retry.
      update({ checking: false, waiting: run === session.run ? { query, source } : session.waiting });
    },
  );
}

/** A #check? link: its answers in the form, then the checker's judgement of it as given. */
function openLink(query) {
  if (!widget) return;
  const state = fromLink(query, widget.questions, widget.supportFields);
  // The check starts before anything is drawn: the form fills while the worker judges. A result
  // already showing stays, marked busy, until the link's own replaces it (no flash of the form).
  const view = session.view === "result" && session.result !== null ? "result" : "questions";
  update({ state, view, errors: null, fragment: query }, { draw: false });
  judge(query, "link");
  widget.render();
  widget.root.scrollIntoView({ block: "start", behavior: smooth() });
}

function startAgain() {
  writeFragment(null);
  update({
    state: startedAgain(session.state),
    result: null,
    errors: null,
    view: "questions",
    run: session.run + 1, // a check still on its way is no longer wanted
    waiting: null,
  });
  if (widget) focusQuestion(widget.root, widget.questions[0].field);
}

const wired = new WeakSet();

function mount() {
  const root = document.querySelector("[data-refund-check]");
  if (!root || wired.has(root) || !root.querySelector("[data-form]")) return;
  wired.add(root);
  if (session.path !== location.pathname) {
    // Another page's self-check: start afresh (the worker stays).
    update(
      { path: location.pathname, state: EMPTY, view: "questions", result: null, errors: null },
      { draw: false },
    );
    update({ fragment: null, waiting: null }, { draw: false });
  }
  widget = new Widget(root);
  widget.mount();
  if (typeof WebAssembly !== "object") {
    // Say so before the visitor spends time on the questions.
    startRuntime(widget.config);
  }
  const fragment = fragmentQuery();
  if (fragment !== null && fragment !== session.fragment) {
    openLink(fragment);
  } else {
    widget.render();
  }
}

// A link opened while the page is showing (a new #check? fragment), or Back to an earlier one.
// Material's instant navigation moves between addresses of one page with pushState and tells
// with popstate; an address typed or pasted fires hashchange.
function onAddressChange() {
  const fragment = fragmentQuery();
  if (fragment !== null && fragment !== session.fragment && widget?.root.isConnected) {
    openLink(fragment);
  }
}
window.addEventListener("hashchange", onAddressChange);
window.addEventListener("popstate", onAddressChange);

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => mount());
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount, { once: true });
} else {
  mount();
}
