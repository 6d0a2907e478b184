// @ts-check
/**
 * One self-check on the page (a [data-policy-check] root the build made, see policy_check.html):
 * its config read from data-* attributes, its state (machine.js), and the page drawn from that
 * state. Events from the visitor, the address and the runtime go through transition(); this layer
 * draws the state it returns and runs its effects, and decides nothing itself.
 */

import { draw } from "./draw.js";
import { changeOf, focusQuestion, readQuestions, readSupportFields } from "./form.js";
import { busy, initialState, transition } from "./machine.js";
import { copySummary } from "./result.js";
import { CheckerRuntime, localToday, runtimeConfig } from "./runtime.js";
import { fits, isDate } from "./state.js";
import { quickAnswer } from "./table.js";

export const FRAGMENT_PREFIX = "#check?";
const INIT = "policyCheckInit";
// The answers as the form shows them, in history.state: what a reload gives back.
const DRAFT = "policyCheckAnswers";

/**
 * @typedef {import("./machine.js").State} State
 * @typedef {import("./machine.js").Event} Event
 * @typedef {import("./machine.js").Effect} Effect
 * @typedef {import("./machine.js").Answers} Answers
 * @typedef {import("./machine.js").Question} Question
 */

/** The #check? query in the address, or null. */
export function fragmentQuery() {
  const { hash } = window.location;
  return hash.startsWith(FRAGMENT_PREFIX) ? hash.slice(FRAGMENT_PREFIX.length) : null;
}

/** The decision table the build wrote into the page, or null (then only the checker answers).
 * @param {HTMLElement} root */
function readTable(root) {
  const script = root.querySelector("script[data-decision-table]");
  try {
    const data = JSON.parse(script?.textContent || "null");
    return data && Array.isArray(data.versions) ? data : null;
  } catch {
    return null;
  }
}

/**
 * Answers kept with the page's entry of this tab's history (history.state, as the address is),
 * as the form can show them, or null: a reload (a phone's browser reloads a tab the visitor comes
 * back to) keeps them. Never sent anywhere, never stored elsewhere.
 * @param {unknown} raw @param {Question[]} questions @param {string[]} supportFields
 * @returns {Answers | null}
 */
export function restorable(raw, questions, supportFields) {
  if (!raw || typeof raw !== "object") return null;
  const given = /** @type {Record<string, any>} */ (raw);
  /** @param {unknown} value @returns {Record<string, any>} */
  const record = (value) => (value && typeof value === "object" ? value : {});
  /** @type {Answers} */
  const answers = { answers: {}, parked: {}, support: {}, requestDate: null };
  for (const question of questions) {
    for (const part of /** @type {const} */ (["answers", "parked"])) {
      const value = record(given[part])[question.field];
      if (typeof value === "string" && fits(question, value)) answers[part][question.field] = value;
    }
  }
  for (const field of supportFields) {
    const value = record(given.support)[field];
    if (value === "true" || value === "false") answers.support[field] = value;
  }
  if (typeof given.requestDate === "string" && isDate(given.requestDate)) {
    answers.requestDate = given.requestDate;
  }
  return answers;
}

export class PolicyCheck {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
    this.form = /** @type {HTMLFormElement} */ (root.querySelector("[data-form]"));
    const questions = readQuestions(this.form);
    const supportFields = readSupportFields(root);
    this.table = readTable(root);
    const words = /** @type {HTMLTemplateElement | null} */ (
      root.querySelector("template[data-words]")
    );
    /** @type {Record<string, string>} */
    this.words = Object.fromEntries(
      [...(words?.content.children ?? [])].map((word) => [
        /** @type {HTMLElement} */ (word).dataset.word,
        word.textContent,
      ]),
    );
    this.state = initialState({ questions, supportFields, hasTable: this.table !== null });
    /** @type {State | null} */
    this.drawn = null;
    /** @type {Event[]} */
    this.queue = [];
    this.dispatching = false;
    /** Drawing's own memory (what is on screen), not the self-check's state. */
    this.screen = { result: /** @type {object | null} */ (null), said: 0, timer: 0, inResult: false };
    this.runtime = new CheckerRuntime(runtimeConfig(root), (event) => this.dispatch(event));
  }

  /** Mount once per root (an init guard, as govuk-frontend's components have). */
  static init(/** @type {HTMLElement} */ root) {
    if (root.dataset[INIT] || !root.querySelector("[data-form]")) return null;
    root.dataset[INIT] = "true";
    const check = new PolicyCheck(root);
    check.listen();
    check.start();
    return check;
  }

  start() {
    if (typeof WebAssembly !== "object") {
      // Said before the visitor spends time on the questions (the table still answers them).
      this.runtime.start();
    }
    const fragment = fragmentQuery();
    if (fragment !== null) {
      this.dispatch({ type: "link", query: fragment });
      return;
    }
    const kept = history.state && history.state[DRAFT];
    const { questions, supportFields } = this.state.setup;
    const answers = restorable(kept, questions, supportFields);
    if (answers) this.dispatch({ type: "restore", answers });
    else this.render();
  }

  /** Handle ``event``: the next state, drawn, then its effects (which may dispatch more). */
  dispatch(/** @type {Event} */ event) {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.queue.length) {
        const next = /** @type {Event} */ (this.queue.shift());
        const { state, effects } = transition(this.state, next);
        const changed = state !== this.state;
        this.state = state;
        if (changed) this.render(); // a keypress that changes nothing draws nothing
        for (const effect of effects) this.run(effect);
      }
    } finally {
      this.dispatching = false;
    }
  }

  render() {
    const before = this.drawn;
    draw(this, this.state, before);
    if (before === null || before.answers !== this.state.answers) this.remember();
    this.drawn = this.state;
  }

  /** Keep the answers with this entry of the history: a reload finds them there. */
  remember() {
    try {
      const entry = { ...(history.state || {}), [DRAFT]: this.state.answers };
      history.replaceState(entry, "", window.location.href);
    } catch {
      // A sandboxed page may refuse: the answers are not kept across a reload, nothing else.
    }
  }

  /** The policy page's address without its fragment: the email links back to it. */
  page() {
    return window.location.href.split("#")[0];
  }

  /** @param {Effect} effect */
  run(effect) {
    switch (effect.type) {
      case "start-runtime":
        this.runtime.start({ waiting: effect.waiting });
        break;
      case "ask-table": {
        let answer;
        try {
          answer = quickAnswer(this.table, effect.query, localToday(), effect.source, this.page());
        } catch {
          answer = null; // the checker answers instead
        }
        this.dispatch({ type: "table-answered", run: effect.run, answer });
        break;
      }
      case "ask-checker": {
        const { run } = effect;
        this.runtime.check(effect.query, localToday(), effect.source, this.page()).then(
          (json) => {
            let answer;
            try {
              answer = JSON.parse(json);
            } catch {
              answer = null;
            }
            const usable = answer && typeof answer === "object" ? answer : null;
            this.dispatch({ type: "checker-answered", run, answer: usable });
          },
          () => this.dispatch({ type: "checker-lost", run }),
        );
        break;
      }
      case "write-address":
        this.writeAddress(effect.query, effect.push, effect.before);
        break;
      case "new-entry":
        // "Start again": a new entry of the history; Back brings the result and its answers
        // back (its address carries them).
        try {
          history.pushState({ policyCheck: { view: "questions", state: effect.answers } }, "", "#check");
        } catch {
          // A sandboxed page may refuse; starting again still works.
        }
        break;
      case "focus":
        this.focus(effect.target);
        break;
      case "scroll":
        this.root.scrollIntoView({ block: "start", behavior: smooth() });
        break;
    }
  }

  /**
   * Write ``query`` (the answers judged) into the address. ``push``: as a new entry of
   * the history (a submit, "Start again"), so that Back returns to what was there, the current
   * entry first remembering ``before`` (the answers as the form showed them); otherwise the
   * current entry is replaced (a link, the checker confirming the table's answer).
   * @param {string} query @param {boolean} push @param {Answers | null} before
   */
  writeAddress(query, push, before) {
    const address = FRAGMENT_PREFIX + query;
    try {
      if (push) {
        const saved = before ?? this.drawn?.answers ?? null;
        const here = { ...(history.state || {}), policyCheck: { view: "questions", state: saved } };
        history.replaceState(here, "", window.location.href);
        history.pushState({ policyCheck: { view: "result" } }, "", address);
      } else {
        history.replaceState(history.state, "", address);
      }
    } catch {
      // A sandboxed page may refuse; the check itself still works.
    }
  }

  /** Move focus to something with a name: the errors, the verdict, the message, a question. */
  focus(/** @type {string} */ target) {
    const { root } = this;
    /** @param {string} selector */
    const element = (selector) => /** @type {HTMLElement | null} */ (root.querySelector(selector));
    if (target.startsWith("question:")) {
      focusQuestion(root, target.slice("question:".length), { smooth: false });
    } else if (target === "errors") {
      element("[data-error-summary]")?.focus();
    } else if (target === "verdict") {
      // The result's heading names the verdict: focus goes there (GOV.UK's pattern).
      root.scrollIntoView({ block: "start", behavior: smooth() });
      element("[data-result] [data-verdict]")?.focus({ preventScroll: true });
    } else if (target === "message") {
      element("[data-fallback-message]")?.focus();
    } else if (target === "submit") {
      element("[data-submit]")?.focus();
    }
  }

  listen() {
    const { root, form } = this;
    const intent = () => this.dispatch({ type: "intent" });
    for (const type of ["pointerdown", "focusin", "keydown", "input"]) {
      root.addEventListener(type, intent, { passive: true });
    }
    /** @param {Event | globalThis.Event} event */
    const onChange = (event) => {
      const change = changeOf(event);
      if (change) this.dispatch({ type: "answer", field: change.field, value: change.value });
    };
    form.addEventListener("change", onChange);
    form.addEventListener("input", onChange);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.dispatch({ type: "press" });
    });
    root.querySelector("[data-use-today]")?.addEventListener("click", () => {
      this.dispatch({ type: "use-today" });
    });
    for (const retry of root.querySelectorAll("[data-retry]")) {
      retry.addEventListener("click", () => this.dispatch({ type: "retry" }));
    }
    root.querySelector("[data-start-again]")?.addEventListener("click", () => {
      this.dispatch({ type: "start-again" });
    });
    root.querySelector("[data-copy]")?.addEventListener("click", () => {
      const { result } = this.state.form;
      if (!result) return;
      // The table's answer has no plain-text summary: the email's body stands in for it.
      const text = result.copy_text || result.email?.body || "";
      copySummary(root, String(text), (key) => this.dispatch({ type: "say", key }));
    });
    root.addEventListener("click", (event) => this.onLink(event));
  }

  /** Links inside the widget that move to a question: keep the address out of it.
   * @param {MouseEvent} event */
  onLink(event) {
    const target = event.target instanceof Element ? event.target : null;
    const link = /** @type {HTMLElement | null} */ (target?.closest("a[data-field], a[data-change]"));
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const field = link.dataset.field || link.dataset.change || "";
    if (link.hasAttribute("data-change")) this.dispatch({ type: "change", field });
    else focusQuestion(this.root, field, { smooth: false });
  }

  /** A link opened on the open page (a new #check? fragment), or Back/Forward to an address. */
  onAddressChange() {
    const fragment = fragmentQuery();
    if (fragment !== null && fragment !== this.state.fragment) {
      this.dispatch({ type: "link", query: fragment });
    }
  }

  /** Back or Forward through the self-check's own entries: the answers as they were, or the link
   * (a result's address carries its answers, which are judged again). @param {PopStateEvent} event */
  onHistory(event) {
    const entry = event.state && event.state.policyCheck;
    if (entry && entry.view === "questions" && entry.state) {
      this.dispatch({ type: "back", answers: entry.state, fragment: fragmentQuery() });
      return;
    }
    this.onAddressChange();
  }

  /** Whether the visitor waits for the checker with nothing to read (for drawing). */
  get busy() {
    return busy(this.state);
  }
}

function smooth() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}
