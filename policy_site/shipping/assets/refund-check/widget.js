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
 * Loaded as an ES module on every page (Material's script bundle, and with it its instant
 * navigation, is not loaded: overrides/main.html), and mounted once the page is parsed.
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
import { quarter, showProgress } from "./progress.js";
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
  shownQuestions,
  startedAgain,
  withAnswer,
  withRequestDate,
} from "./state.js";
import { quickAnswer } from "./table.js";

const FRAGMENT_PREFIX = "#check?";

/* The session: kept in memory only (nothing is stored), for as long as the page is open. */
const session = {
  path: null,
  state: EMPTY,
  view: "questions", // questions | result
  result: null, // the checker's last result, shown in the result view
  errors: null, // the checker's last errors
  fragment: null, // the #check? query in the address, as last opened or written
  waiting: null, // {query, source}: to check as soon as the runtime is ready
  run: 0, // the latest check: only its answer is shown
  answered: 0, // checks the checker answered so far (data-checks, for whoever waits on it)
  tableAnswered: 0, // answers the decision table gave before the checker (data-table-answers)
  source: "checker", // who gave the answer shown: "checker", or "table" until the checker does
  answeredByTable: false, // the decision table has answered the waiting check
  checking: false,
  retrying: false,
  announced: 0, // the quarter of the download last announced
  pushFrom: null, // the answers a submit was made from: its result is a new history entry
};

let widget = null;

/*
 * The policy's decision table (decisions.json: the committed ledger, see table.js): a few KB,
 * fetched with the runtime's first byte, that answers while the megabytes of Pyodide arrive,
 * and when they cannot.
 */
const table = { url: "", promise: null, data: null };

function loadTable(url) {
  if (!url) return Promise.resolve(null);
  if (table.url !== url || !table.promise) {
    table.url = url;
    table.data = null;
    table.promise = fetch(url)
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null)
      .then((data) => {
        if (table.url === url) table.data = data && Array.isArray(data.versions) ? data : null;
        if (widget && widget.root.isConnected) widget.render();
        return table.data;
      });
  }
  return table.promise;
}

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

/**
 * Write ``query`` (the answers judged, or null) into the address. ``push``: as a new entry of the
 * browser's history (a submit, "Start again"), so that Back returns to what was there, the
 * current entry first remembering ``before`` (the answers as the form showed them); otherwise
 * the current entry is replaced (a link, the checker confirming the table's answer).
 */
function writeFragment(query, { push = false, before = null } = {}) {
  update({ fragment: query }, { draw: false });
  const address = query === null ? "#check" : FRAGMENT_PREFIX + query;
  try {
    if (push) {
      const here = { ...(history.state || {}), refundCheck: { view: "questions", state: before } };
      history.replaceState(here, "", window.location.href);
      history.pushState({ refundCheck: { view: "result" } }, "", address);
    } else {
      history.replaceState(history.state, "", address);
    }
  } catch {
    // A sandboxed page may refuse; the check itself still works.
  }
}

/** The policy page's address without its fragment: the email links back to it. */
function pageAddress() {
  return window.location.href.split("#")[0];
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

  visibleStatus() {
    const result = this.root.querySelector("[data-result]");
    return result && !result.hidden ? result.querySelector("[data-result-status]") : this.status;
  }

  /** A question's words, as the form shows them (its legend or label). */
  label(field) {
    const block = this.form.querySelector(`[data-question="${CSS.escape(field)}"]`);
    const text = block?.querySelector("legend, label");
    return text ? text.textContent.trim() : "";
  }

  get config() {
    return runtimeConfig(this.root);
  }

  get decisions() {
    return this.root.dataset.decisions
      ? new URL(this.root.dataset.decisions, document.baseURI).href
      : "";
  }

  mount() {
    const { root, form } = this;
    const intent = () => {
      if (runtimeState().state === "idle") {
        loadTable(this.decisions);
        startRuntime(this.config);
      }
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
      const before = new Set(shownQuestions(session.state, this.questions).map((q) => q.field));
      update({ state }, { draw: false });
      showState(form, root, session.state, this.questions); // the form only: no flicker
      // A question the answer brought in is said, politely: it appeared further down.
      const added = shownQuestions(state, this.questions).filter((q) => !before.has(q.field));
      if (added.length) {
        const labels = added.map((question) => this.label(question.field)).filter(Boolean);
        this.say(labels.map((label) => this.words.revealed.replace("{label}", label)).join(" "));
      }
    };
    form.addEventListener("change", onChange);
    form.addEventListener("input", onChange);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      // Its result gets an entry of its own in the history: Back returns to these answers.
      update({ errors: null, pushFrom: session.state }, { draw: false });
      judge(queryOf(session.state, this.questions, this.supportFields), "form");
    });
    root.querySelector("[data-use-today]")?.addEventListener("click", () => {
      update({ state: withRequestDate(session.state, null) });
      focusQuestion(root, this.questions[0].field, { smooth: false });
    });
    for (const retry of root.querySelectorAll("[data-retry]")) {
      retry.addEventListener("click", () => this.retry());
    }
    root.querySelector("[data-start-again]")?.addEventListener("click", () => startAgain());
    root.querySelector("[data-copy]")?.addEventListener("click", () => {
      if (!session.result) return;
      const say = (key) => this.say(this.words[key] || "");
      // The table's answer has no plain-text summary: the email's body stands in for it.
      const text = session.result.copy_text || session.result.email?.body || "";
      copySummary(root, String(text), say);
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
    startRuntime(this.config, { waiting: session.waiting !== null });
    // The button disappears with the message: keep focus where the progress is announced.
    const status = this.visibleStatus();
    status?.setAttribute("tabindex", "-1");
    status?.focus();
  }

  announce(key) {
    this.say(this.words[key] || "");
  }

  /** Say ``text`` in the live region of the view the visitor sees (the form's status beside
   * its button, or the result's): a status in a hidden view is neither seen nor heard. */
  say(text, status = this.visibleStatus()) {
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
    const failed = runtime.state === "error";
    root.dataset.state = runtime.state;
    if (failed) root.dataset.errorDetail = runtime.detail;
    else delete root.dataset.errorDetail;
    showState(form, root, session.state, this.questions);

    // Busy only while the visitor waits for the checker with nothing to read meanwhile; never
    // beside an error.
    const busy =
      !failed && (session.checking || (session.waiting !== null && !session.answeredByTable));
    root.dataset.checks = String(session.answered);
    root.dataset.tableAnswers = String(session.tableAnswered);
    root.setAttribute("aria-busy", String(busy));
    this.submitButton.setAttribute("aria-disabled", String(busy));
    this.submitButton.textContent = this.words[busy ? "submit_busy" : "submit"];
    this.submitButton.classList.toggle("refund-check__busy", busy);

    const showing = session.view === "result" && session.result !== null;
    const fromTable = showing && session.source === "table";
    const fallback = root.querySelector("[data-fallback]");
    fallback.hidden = !failed || fromTable;
    if (failed) {
      const noWasm = runtime.reason === "no_wasm";
      const reason = table.data ? (noWasm ? "table_only_no_wasm" : "table_only") : runtime.reason;
      root.querySelector("[data-fallback-message]").textContent =
        this.words[reason] || this.words.failed;
      fallback.querySelector("[data-retry]").hidden = noWasm;
    }

    root.querySelector("[data-view=questions]").hidden = showing;
    const result = root.querySelector("[data-result]");
    result.hidden = !showing;
    result.dataset.source = session.source;
    if (showing && this.resultShown !== session.result) {
      showResult(root, session.result, this.supportFields, this.words);
      this.resultShown = session.result;
    }
    // An answer from the decision table says so, only while the checker has not confirmed it.
    const provenance = result.querySelector('[data-part="provenance"]');
    provenance.hidden = !fromTable;
    if (fromTable) {
      result.querySelector("[data-provenance-text]").textContent =
        this.words[failed ? "from_table_only" : "from_table"];
      provenance.querySelector("[data-retry]").hidden = !failed || runtime.reason === "no_wasm";
    }
    for (const detail of result.querySelectorAll("[data-detail]")) detail.hidden = fromTable;
    if (fromTable) result.querySelector('[data-part="newer"]').hidden = true;
    this.renderProgress(runtime);
    if (session.errors) showErrors(root, session.errors, this.words.error_prefix, { focus: false });
    else clearErrors(root);
  }

  /** The download's progress bar and words; a quarter more of it is said aloud. */
  renderProgress(runtime = runtimeState()) {
    const loading = runtime.state === "loading";
    const text = showProgress(this.root, runtime.progress, loading, this.words);
    const reached = loading ? quarter(runtime.progress) : 0;
    if (loading && reached > session.announced && reached < 4 && text) {
      update({ announced: reached }, { draw: false });
      // Heard in the visible block's own live region; its words are already on screen.
      const block = [...this.root.querySelectorAll("[data-progress]")].find((b) => !b.hidden);
      const status = block?.querySelector("[data-progress-status]");
      if (status) status.textContent = text;
    }
  }

  /** After a check: show its errors or its result, and move the visitor there (``move`` false:
   * the checker confirmed what the table showed, so the visitor stays where they are). */
  showOutcome({ move = true } = {}) {
    this.render();
    if (!move) return;
    if (session.errors) {
      this.root.querySelector("[data-error-summary]").focus();
      return;
    }
    // The result's heading names the verdict: focus goes there (GOV.UK's pattern).
    const heading = this.root.querySelector("[data-result] [data-verdict]");
    this.root.scrollIntoView({ block: "start", behavior: smooth() });
    heading.focus({ preventScroll: true });
  }
}

function onRuntime(change) {
  if (!widget || !widget.root.isConnected) return;
  if (change.progressed) {
    widget.renderProgress();
    return;
  }
  widget.render();
  if (change.state === "loading") {
    update({ announced: 0 }, { draw: false });
    if (!session.answeredByTable) widget.announce(session.waiting ? "queued" : "loading");
  } else if (change.state === "ready") {
    const { waiting } = session;
    update({ retrying: false, waiting: null }, { draw: false });
    if (waiting) {
      // No loading words once it has loaded, in either view.
      for (const status of widget.root.querySelectorAll("[data-status], [data-result-status]")) {
        status.textContent = "";
      }
      execute(waiting);
    } else {
      widget.announce("ready");
    }
  } else if (change.state === "error") {
    const waited = session.waiting !== null || session.checking || session.retrying;
    const fromTable = session.view === "result" && session.source === "table";
    update({ retrying: false, checking: false });
    if (fromTable) {
      // The visitor has their answer: say what is missing from it, without moving them.
      widget.announce("from_table_only");
      return;
    }
    widget.announce(table.data ? (change.reason === "no_wasm" ? "table_only_no_wasm" : "table_only") : change.reason);
    if (waited && !session.answeredByTable) {
      widget.root.querySelector("[data-fallback-message]").focus();
    }
  }
}

onRuntimeChange(onRuntime);

/**
 * Check ``query`` (from ``source``: "form" or "link") now; or, while the runtime is not ready,
 * answer from the decision table at once and have the checker confirm as soon as it is ready.
 */
function judge(query, source) {
  if (!widget) return;
  const runtime = runtimeState();
  if (runtime.state === "ready" && runtime.key === widget.config.key) {
    execute({ query, source });
    return;
  }
  // Only the latest answers are checked when it is ready.
  const run = session.run + 1;
  update({ run, waiting: { query, source }, answeredByTable: false });
  if (runtime.state !== "loading") startRuntime(widget.config, { waiting: true });
  const tableReady = table.data !== null && table.url === widget.decisions;
  if (!tableReady && runtime.state !== "error") widget.announce("queued");
  loadTable(widget.decisions).then((data) => {
    if (!data || run !== session.run || !session.waiting || !widget?.root.isConnected) return;
    let answer;
    try {
      answer = quickAnswer(data, query, localToday(), source, pageAddress());
    } catch {
      answer = null; // the checker answers instead
    }
    if (answer === null) {
      if (runtimeState().state === "error") widget.render();
      return;
    }
    if (Array.isArray(answer.errors)) {
      // What is left unanswered is the same for both (tests/site/test_table_js.py): the visitor
      // fixes it and asks again.
      update({ waiting: null }, { draw: false });
    }
    update({ answeredByTable: true, tableAnswered: session.tableAnswered + 1 }, { draw: false });
    show(answer, "table", { move: true });
  });
}

/** Show the checker's or the table's answer (a result, or field errors). */
function show(data, source, { move }) {
  if (Array.isArray(data.errors)) {
    update({ errors: data.errors, view: "questions", source, pushFrom: null }, { draw: false });
  } else {
    const state = widget
      ? fromResult(data.answers, session.state, widget.questions, widget.supportFields)
      : session.state;
    const before = session.pushFrom;
    update({ errors: null, result: data, view: "result", state, source, pushFrom: null }, {
      draw: false,
    });
    if (widget) {
      const query = queryOf(state, widget.questions, widget.supportFields);
      writeFragment(query, { push: before !== null, before });
    }
  }
  if (widget && widget.root.isConnected) widget.showOutcome({ move });
}

function execute({ query, source }) {
  const run = session.run + 1;
  // The checker confirms what the table already showed: the visitor is not moved again.
  const confirming = session.answeredByTable && session.source === "table";
  update({ run, checking: true }, { draw: false });
  // Today is the visitor's, at the moment of the check (a page left open past midnight counts
  // the new day). The answers go to the worker first; the page is drawn while it checks.
  const pending = runCheck(query, localToday(), source, pageAddress());
  if (widget && widget.root.isConnected) widget.render();
  pending.then(
    (json) => {
      if (run !== session.run) return;
      const answered = session.answered + 1;
      let data;
      try {
        data = JSON.parse(json);
      } catch {
        data = null;
      }
      if (!data || typeof data !== "object") {
        update({ checking: false, answered });
        return;
      }
      if (confirming && session.view !== "result" && !Array.isArray(data.errors)) {
        // The visitor went back to their answers ("Change") while the checker loaded: its
        // answer replaces the table's quietly, and the form stays as they left it.
        update({ checking: false, answered, answeredByTable: false, result: data, source: "checker" });
        return;
      }
      update({ checking: false, answered, answeredByTable: false }, { draw: false });
      show(data, "checker", { move: !confirming });
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
  // A new entry of the history: Back brings the result and its answers back (its address
  // carries them).
  update({ fragment: null }, { draw: false });
  try {
    const fresh = { refundCheck: { view: "questions", state: startedAgain(session.state) } };
    history.pushState(fresh, "", "#check");
  } catch {
    // A sandboxed page may refuse; starting again still works.
  }
  update({
    pushFrom: null,
    state: startedAgain(session.state),
    result: null,
    errors: null,
    view: "questions",
    run: session.run + 1, // a check still on its way is no longer wanted
    waiting: null,
    answeredByTable: false,
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
    // Say so before the visitor spends time on the questions (the table still answers them).
    loadTable(widget.decisions);
    startRuntime(widget.config);
  }
  const fragment = fragmentQuery();
  if (fragment !== null && fragment !== session.fragment) {
    openLink(fragment);
  } else {
    widget.render();
  }
}

// A link opened while the page is showing (a new #check? fragment), or Back to an earlier one:
// an address typed or pasted fires hashchange; Back and Forward fire popstate (onHistory).
function onAddressChange() {
  const fragment = fragmentQuery();
  if (fragment !== null && fragment !== session.fragment && widget?.root.isConnected) {
    openLink(fragment);
  }
}
window.addEventListener("hashchange", onAddressChange);

/** Back or Forward through the self-check's own entries: the answers as they were, or the link
 * (a result's address carries its answers, which are judged again). */
function onHistory(event) {
  const entry = event.state && event.state.refundCheck;
  if (entry && entry.view === "questions" && entry.state && widget?.root.isConnected) {
    update({
      state: entry.state,
      view: "questions",
      result: null,
      errors: null,
      fragment: fragmentQuery(),
      waiting: null,
      answeredByTable: false,
      pushFrom: null,
      run: session.run + 1, // a check still on its way is no longer wanted
    });
    focusQuestion(widget.root, widget.questions[0].field, { smooth: false });
    return;
  }
  onAddressChange();
}
window.addEventListener("popstate", onHistory);

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount, { once: true });
} else {
  mount();
}
