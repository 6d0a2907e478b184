// @ts-check
/**
 * The self-check's states and the one function that moves between them: transition(state, event)
 * returns the next state and the effects to run. Pure: no DOM, no timers, no network, so every
 * race is a unit test (tests/js/machine.test.mjs) and the page (component.js) only draws the state
 * and runs the effects. dev/self-check.md has the table of states and transitions.
 */

import { quarter } from "./progress.js";
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

/**
 * @typedef {{field: string, kind: string, choices: string[], fallback: string | null,
 *   shownWhen: Record<string, string[]> | null, askedFrom?: string | null, askedBy?: string | null}} Question
 * @typedef {{answers: Record<string, string>, parked: Record<string, string>,
 *   support: Record<string, string>, requestDate: string | null}} Answers
 * @typedef {{field?: string, message?: string}} FieldError
 * @typedef {Record<string, any>} Result  the checker's JSON (or the table's, in its form)
 * @typedef {"idle" | "loading" | "ready" | "stalled" | "slow" | "failed" | "offline" | "no_wasm"}
 *   RuntimeStatus  idle: not needed yet; stalled/slow/failed/offline: "Try again" can help;
 *   no_wasm: this browser can never run it (the decision table answers alone)
 * @typedef {{received: number, total: number}} Progress
 * @typedef {"form" | "link"} Source
 * @typedef {{run: number, query: string, source: Source, quick: "none" | "answered" | "errors",
 *   checker: "waiting" | "asked", move: boolean, pushed: boolean, before: Answers | null,
 *   fellBack: boolean}} Check  a check asked for that the checker has not answered yet; quick:
 *   what the decision table gave; move: its answer moves the visitor to it (false once they
 *   went on: an edit, "Change", or the table's answer already shown); pushed: the address has
 *   had its history entry
 * @typedef {{key: string, fields?: string[], progress?: Progress | null, n: number,
 *   visible: boolean}} Said  what the live region says; n counts, so the same words are said again
 * @typedef {{view: "questions" | "result", errors: FieldError[] | null, result: Result | null,
 *   source: "table" | "checker"}} FormState
 * @typedef {{questions: Question[], supportFields: string[], hasTable: boolean}} Setup
 * @typedef {{setup: Setup, answers: Answers, form: FormState, runtime: RuntimeStatus,
 *   detail: string, progress: Progress | null, heard: number, check: Check | null, run: number,
 *   fragment: string | null, checks: number, tableAnswers: number, said: Said | null}} State
 * @typedef {{type: "start-runtime", waiting: boolean}
 *   | {type: "ask-table", run: number, query: string, source: Source}
 *   | {type: "ask-checker", run: number, query: string, source: Source}
 *   | {type: "write-address", query: string, push: boolean, before: Answers | null}
 *   | {type: "new-entry", answers: Answers}
 *   | {type: "focus", target: string}
 *   | {type: "scroll"}} Effect
 *   focus targets: "errors", "verdict", "message", "submit", "question:<field>"; new-entry: a
 *   history entry of the questions, at #check ("Start again")
 * @typedef {{type: "answer", field: string, value: string}
 *   | {type: "use-today"}
 *   | {type: "press"}
 *   | {type: "link", query: string}
 *   | {type: "back", answers: Answers, fragment: string | null}
 *   | {type: "change", field: string}
 *   | {type: "start-again"}
 *   | {type: "restore", answers: Answers}
 *   | {type: "intent"}
 *   | {type: "retry"}
 *   | {type: "say", key: string}
 *   | {type: "runtime", status: RuntimeStatus, detail?: string}
 *   | {type: "progress", progress: Progress | null}
 *   | {type: "table-answered", run: number, answer: Result | null}
 *   | {type: "checker-answered", run: number, answer: Result | null}
 *   | {type: "checker-lost", run: number}} Event
 * @typedef {{state: State, effects: Effect[]}} Step
 */

/** Statuses after which "Try again" may load the runtime. */
const RETRYABLE = new Set(["stalled", "slow", "failed", "offline"]);

/** @param {RuntimeStatus} status */
export function failed(status) {
  return RETRYABLE.has(status) || status === "no_wasm";
}

/** @param {Setup} setup @returns {State} */
export function initialState(setup) {
  return {
    setup,
    answers: EMPTY,
    form: { view: "questions", errors: null, result: null, source: "checker" },
    runtime: "idle",
    detail: "",
    progress: null,
    heard: 0,
    check: null,
    run: 0,
    fragment: null,
    checks: 0,
    tableAnswers: 0,
    said: null,
  };
}

/** Whether the visitor waits with nothing to read: the button says so, nothing else spins. */
export function busy(/** @type {State} */ state) {
  return state.check !== null && state.check.quick === "none" && !failed(state.runtime);
}

/** Words for the live region (``more.visible`` false: heard only, as they are on screen).
 * @param {State} state @param {string} key
 * @param {{fields?: string[], progress?: Progress | null, visible?: boolean}} [more] @returns {Said} */
function say(state, key, more = {}) {
  return { key, n: (state.said?.n ?? 0) + 1, visible: more.visible ?? true, ...more };
}

/** @param {State} state @returns {string} */
function formQuery(state) {
  return queryOf(state.answers, state.setup.questions, state.setup.supportFields);
}

/**
 * A new check of ``query``: the decision table answers at once; the checker now, or once its
 * runtime is ready (started here if it is not loading).
 * @param {State} state @param {string} query @param {Source} source @param {Answers | null} before
 * @returns {Step}
 */
function ask(state, query, source, before) {
  const run = state.run + 1;
  /** @type {Check} */
  const check = {
    run, query, source, quick: "none", checker: "waiting", move: true, pushed: false, before,
    fellBack: false,
  };
  /** @type {Effect[]} */
  const effects = [];
  if (state.setup.hasTable) effects.push({ type: "ask-table", run, query, source });
  if (state.runtime === "ready") {
    check.checker = "asked";
    effects.push({ type: "ask-checker", run, query, source });
  } else if (state.runtime !== "loading" && state.runtime !== "no_wasm") {
    effects.push({ type: "start-runtime", waiting: true });
  }
  let next = { ...state, run, check };
  // Nothing to read yet: say that the answers wait for the checker.
  if (!state.setup.hasTable && !failed(state.runtime)) next = { ...next, said: say(next, "queued") };
  return { state: next, effects };
}

/**
 * The checker cannot answer (its runtime failed, or never runs here) and the table could not
 * answer the link as given: the table judges what the form shows instead, so that a link with
 * an answer the form cannot show ends in that question's error, not in silence.
 * @param {Step} step @returns {Step}
 */
function fallBack({ state, effects }) {
  const { check } = state;
  if (!check || check.quick !== "none" || check.fellBack || !failed(state.runtime)) {
    return { state, effects };
  }
  if (!state.setup.hasTable || check.source !== "link") return { state, effects };
  const query = formQuery(state);
  return {
    state: { ...state, check: { ...check, fellBack: true, query, source: "form" } },
    effects: [...effects, { type: "ask-table", run: check.run, query, source: "form" }],
  };
}

/**
 * Show an answer (a result or field errors) from ``source``.
 * @param {State} state @param {Result} answer @param {"table" | "checker"} source
 * @returns {Step}
 */
function show(state, answer, source) {
  const check = /** @type {Check} */ (state.check);
  const errors = Array.isArray(answer.errors) ? /** @type {FieldError[]} */ (answer.errors) : null;
  if (errors) {
    // The visitor fixes what is wrong and presses again: nothing is left waiting.
    if (!check.move) return { state: { ...state, check: null }, effects: [] };
    return {
      state: { ...state, check: null, form: { ...state.form, view: "questions", errors, source } },
      effects: [{ type: "focus", target: "errors" }],
    };
  }
  const answers = /** @type {Answers} */ (
    fromResult(answer.answers, state.answers, state.setup.questions, state.setup.supportFields)
  );
  /** @type {FormState} */
  const resultForm = { view: "result", errors: null, result: answer, source };
  if (!check.move && state.form.view !== "result") {
    // The visitor went back to their answers ("Change") while the checker loaded: its answer
    // replaces the table's quietly, and the form stays as they left it.
    const kept = source === "checker" ? null : check;
    return {
      state: { ...state, check: kept, form: { ...state.form, result: answer, source } },
      effects: [],
    };
  }
  const query = queryOf(answers, state.setup.questions, state.setup.supportFields);
  const push = check.source === "form" && !check.pushed;
  /** @type {Effect[]} */
  const effects = [{ type: "write-address", query, push, before: push ? check.before : null }];
  if (check.move) effects.push({ type: "focus", target: "verdict" });
  // After the table's answer, the checker's confirms it where the visitor is: no move.
  const next = source === "table" ? { ...check, move: false, pushed: check.pushed || push } : null;
  return {
    state: { ...state, answers, form: resultForm, check: next, fragment: query },
    effects,
  };
}

/**
 * The one way the self-check changes.
 * @param {State} state @param {Event} event @returns {Step}
 */
export function transition(state, event) {
  const { questions, supportFields } = state.setup;
  switch (event.type) {
    case "answer": {
      const answers =
        event.field === REQUEST_DATE
          ? withRequestDate(state.answers, event.value)
          : withAnswer(state.answers, event.field, event.value, questions);
      const before = new Set(shownQuestions(state.answers, questions).map((q) => q.field));
      const added = shownQuestions(answers, questions).map((q) => q.field).filter((f) => !before.has(f));
      // An edit means the visitor went on: an answer on its way no longer moves them.
      const check = state.check && { ...state.check, move: false };
      const said = added.length ? say(state, "revealed", { fields: added }) : state.said;
      return { state: { ...state, answers, check, said }, effects: [] };
    }
    case "use-today":
      return {
        state: { ...state, answers: withRequestDate(state.answers, null) },
        effects: [{ type: "focus", target: `question:${questions[0].field}` }],
      };
    case "press": {
      const cleared = { ...state, form: { ...state.form, errors: null } };
      return ask(cleared, formQuery(state), "form", state.answers);
    }
    case "link": {
      // A second link replaces the first's answers and result at once: nothing of it stays.
      const answers = /** @type {Answers} */ (fromLink(event.query, questions, supportFields));
      /** @type {State} */
      const opened = {
        ...state,
        answers,
        fragment: event.query,
        form: { view: "questions", errors: null, result: null, source: "checker" },
      };
      const step = ask(opened, event.query, "link", null);
      return { state: step.state, effects: [...step.effects, { type: "scroll" }] };
    }
    case "back":
    case "start-again": {
      const answers = event.type === "back" ? event.answers : startedAgain(state.answers);
      /** @type {Effect[]} */
      const effects = event.type === "start-again" ? [{ type: "new-entry", answers }] : [];
      effects.push({ type: "focus", target: `question:${questions[0].field}` });
      return {
        state: {
          ...state,
          answers,
          form: { view: "questions", errors: null, result: null, source: "checker" },
          check: null, // a check still on its way is no longer wanted
          run: state.run + 1,
          fragment: event.type === "back" ? event.fragment : null,
        },
        effects,
      };
    }
    case "change":
      return {
        state: {
          ...state,
          form: { ...state.form, view: "questions" },
          check: state.check && { ...state.check, move: false },
        },
        effects: [{ type: "focus", target: `question:${event.field}` }],
      };
    case "restore":
      return { state: { ...state, answers: event.answers }, effects: [] };
    case "intent":
      if (state.runtime !== "idle") return { state, effects: [] };
      return { state, effects: [{ type: "start-runtime", waiting: false }] };
    case "retry": {
      if (!RETRYABLE.has(state.runtime)) return { state, effects: [] };
      const waiting = state.check !== null;
      const check = state.check && { ...state.check, checker: /** @type {const} */ ("waiting") };
      return {
        state: { ...state, check },
        // The button goes with the message: focus stays on something with a name.
        effects: [
          { type: "start-runtime", waiting },
          { type: "focus", target: state.form.view === "result" ? "verdict" : "submit" },
        ],
      };
    }
    case "say":
      return { state: { ...state, said: say(state, event.key) }, effects: [] };
    case "progress": {
      const reached = state.runtime === "loading" ? quarter(event.progress) : 0;
      let next = { ...state, progress: event.progress };
      if (reached > state.heard && reached < 4) {
        // A quarter more of it is said aloud; its words are already on screen.
        next = {
          ...next,
          heard: reached,
          said: say(state, "progress", { progress: event.progress, visible: false }),
        };
      }
      return { state: next, effects: [] };
    }
    case "runtime":
      return runtimeChanged(state, event.status, event.detail ?? "");
    case "table-answered": {
      const { check } = state;
      if (!check || check.run !== event.run || check.quick !== "none") return { state, effects: [] };
      // Only the checker can answer: say that the answers wait for it (or fall back).
      const waits = state.runtime === "idle" || state.runtime === "loading";
      const queued = waits ? { ...state, said: say(state, "queued") } : state;
      if (event.answer === null) return fallBack({ state: queued, effects: [] });
      const errors = Array.isArray(event.answer.errors);
      const counted = { ...state, tableAnswers: state.tableAnswers + 1 };
      if (errors && check.checker === "asked") {
        // The checker already has these answers and will say the same: let it.
        return { state: counted, effects: [] };
      }
      const quick = errors ? "errors" : "answered";
      return show({ ...counted, check: { ...check, quick } }, event.answer, "table");
    }
    case "checker-answered": {
      const { check } = state;
      if (!check || check.run !== event.run) return { state, effects: [] };
      const counted = { ...state, checks: state.checks + 1 };
      if (event.answer === null) return { state: { ...counted, check: null }, effects: [] };
      return show(counted, event.answer, "checker");
    }
    case "checker-lost": {
      // The runtime failed while checking: these answers are checked after a successful retry.
      const { check } = state;
      if (!check || check.run !== event.run) return { state, effects: [] };
      return { state: { ...state, check: { ...check, checker: "waiting" } }, effects: [] };
    }
    default:
      return { state, effects: [] };
  }
}

/**
 * The runtime's status changed.
 * @param {State} state @param {RuntimeStatus} status @param {string} detail @returns {Step}
 */
function runtimeChanged(state, status, detail) {
  let next = { ...state, runtime: status, detail: failed(status) ? detail : "" };
  const { check } = state;
  if (status === "loading") {
    next = { ...next, heard: 0 };
    if (check && check.quick === "none") next = { ...next, said: say(next, "queued") };
    return { state: next, effects: [] };
  }
  if (status === "ready") {
    if (check && check.checker === "waiting") {
      return {
        state: { ...next, said: null, check: { ...check, checker: "asked" } },
        effects: [{ type: "ask-checker", run: check.run, query: check.query, source: check.source }],
      };
    }
    return { state: next, effects: [] };
  }
  if (!failed(status)) return { state: next, effects: [] };
  // A failure: said once, where the visitor is; they are moved to it only if they were waiting
  // with nothing to read.
  const waited = check !== null && check.quick === "none" && state.form.view === "questions";
  next = {
    ...next,
    check: check && { ...check, checker: "waiting" },
    said: say(next, "failure", { visible: false }),
  };
  const step = fallBack({ state: next, effects: [] });
  if (waited && step.state.check?.fellBack !== true) {
    step.effects.push({ type: "focus", target: "message" });
  }
  return step;
}

/**
 * What the message of a failure says, as keys of the page's words: why, then what the visitor
 * still has ("" when the sentence has no second part).
 * @param {State} state @returns {{why: string, then: string, retry: boolean} | null}
 */
export function failureMessage(state) {
  if (!failed(state.runtime)) return null;
  const fromTable = state.form.view === "result" && state.form.source === "table";
  if (state.runtime === "no_wasm") {
    // Never "try again": the quick answer is all this browser gets, and it is complete.
    return { why: fromTable ? "no_wasm_answered" : "why_no_wasm", then: "", retry: false };
  }
  let then = "";
  if (fromTable) then = "from_table_only";
  else if (state.setup.hasTable) then = "table_still";
  return { why: `why_${state.runtime}`, then, retry: true };
}
