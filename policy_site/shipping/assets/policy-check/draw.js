// @ts-check
/**
 * The self-check drawn from its state (machine.js): which view shows, the form's answers and
 * errors, the result and who gave it, the one message of a failure, the download's progress,
 * and the one live region that speaks. Every word comes from the page's [data-words].
 */

import { clearErrors, showErrors, showState } from "./form.js";
import { busy, failed, failureMessage } from "./machine.js";
import { progressWords, showProgress } from "./progress.js";
import { showResult } from "./result.js";

/**
 * @typedef {import("./machine.js").State} State
 * @typedef {{root: HTMLElement, form: HTMLFormElement, words: Record<string, string>,
 *   screen: {result: object | null, said: number, timer: number, inResult: boolean}}} Drawing
 */

/** @param {ParentNode} parent @param {string} selector @returns {HTMLElement} */
function $(parent, selector) {
  return /** @type {HTMLElement} */ (parent.querySelector(selector));
}

/** The words of a failure: why, then what the visitor still has. @param {Drawing} drawing
 * @param {State} state */
export function messageText(drawing, state) {
  const message = failureMessage(state);
  if (!message) return "";
  const { words } = drawing;
  return [words[message.why] || words.why_failed, message.then ? words[message.then] : ""]
    .filter(Boolean)
    .join(" ");
}

/** What the live region says for ``state.said``. @param {Drawing} drawing @param {State} state */
function saidText(drawing, state) {
  const { said } = state;
  const { words, form } = drawing;
  if (!said) return "";
  if (said.key === "revealed") {
    const labels = (said.fields || []).map((field) => {
      const block = form.querySelector(`[data-question="${CSS.escape(field)}"]`);
      return block?.querySelector("legend, label")?.textContent?.trim() || "";
    });
    return labels
      .filter(Boolean)
      .map((label) => (words.revealed || "").replace("{label}", label))
      .join(" ");
  }
  if (said.key === "progress") {
    return progressWords(said.progress ?? null, words.progress || "", words.progress_done || "");
  }
  if (said.key === "failure") return messageText(drawing, state);
  return words[said.key] || "";
}

/** Draw ``state`` (``before``: the state drawn last, or null). @param {Drawing} drawing
 * @param {State} state @param {State | null} before */
export function draw(drawing, state, before) {
  const { root, form, words, screen } = drawing;
  const failing = failed(state.runtime);
  // For whoever waits on it (the tests among others): idle | loading | ready | error.
  root.dataset.state = failing ? "error" : state.runtime;
  root.dataset.runtimeStatus = state.runtime;
  if (failing) root.dataset.errorDetail = state.detail;
  else delete root.dataset.errorDetail;
  root.dataset.checks = String(state.checks);
  root.dataset.tableAnswers = String(state.tableAnswers);
  if (!before || before.answers !== state.answers) {
    showState(form, root, state.answers, state.setup.questions);
  }

  const waiting = busy(state);
  const button = $(root, "[data-submit]");
  root.setAttribute("aria-busy", String(waiting));
  button.setAttribute("aria-disabled", String(waiting));
  button.textContent = words[waiting ? "submit_busy" : "submit"];
  button.classList.toggle("policy-check__busy", waiting);

  const { view, result, source } = state.form;
  const showing = view === "result" && result !== null;
  const fromTable = showing && source === "table";
  $(root, "[data-view=questions]").hidden = showing;
  const resultBlock = $(root, "[data-result]");
  resultBlock.hidden = !showing;
  resultBlock.dataset.source = source;
  if (showing && screen.result !== result) {
    showResult(root, result, state.setup.supportFields, words);
    screen.result = result;
  }

  // A failure is said in one place: beside the answer the table gave, or above the questions.
  const message = messageText(drawing, state);
  const retry = failureMessage(state)?.retry ?? false;
  const fallback = $(root, "[data-fallback]");
  fallback.hidden = !failing || showing;
  if (!fallback.hidden) {
    const text = $(fallback, "[data-fallback-message]");
    if (text.textContent !== message) text.textContent = message;
    $(fallback, "[data-retry]").hidden = !retry;
  }
  const provenance = $(resultBlock, '[data-part="provenance"]');
  provenance.hidden = !fromTable;
  if (fromTable) {
    $(resultBlock, "[data-provenance-text]").textContent = failing ? message : words.from_table;
    $(provenance, "[data-retry]").hidden = !retry;
  }
  for (const detail of resultBlock.querySelectorAll("[data-detail]")) {
    /** @type {HTMLElement} */ (detail).hidden = fromTable;
  }
  if (fromTable) $(resultBlock, '[data-part="newer"]').hidden = true;
  showProgress(root, state.progress, state.runtime === "loading", words);

  if (!before || before.form.errors !== state.form.errors) {
    if (state.form.errors) {
      showErrors(root, state.form.errors, words.error_prefix, { focus: false });
    } else {
      clearErrors(root);
    }
  }
  speak(drawing, state);
}

/** Say what is new in the self-check's one live region (visually hidden); words meant to be
 * seen too go beside the button, or in the result, where the visitor is. Words already on screen
 * elsewhere (the progress, a failure's message) are only heard. @param {Drawing} drawing
 * @param {State} state */
function speak(drawing, state) {
  const { root, screen } = drawing;
  const inResult = state.form.view === "result" && state.form.result !== null;
  const here = $(root, inResult ? "[data-result-status]" : "[data-status]");
  const there = $(root, inResult ? "[data-status]" : "[data-result-status]");
  const { said } = state;
  const moved = screen.inResult !== inResult;
  screen.inResult = inResult;
  if (moved) {
    // Words said in one view are not carried to the other.
    here.textContent = "";
    there.textContent = "";
  }
  if (!said) {
    if (screen.said !== 0) here.textContent = "";
    screen.said = 0;
    return;
  }
  if (said.n === screen.said) return;
  screen.said = said.n;
  const text = saidText(drawing, state);
  here.textContent = said.visible ? text : "";
  const live = $(root, "[data-live]");
  clearTimeout(screen.timer);
  if (live.textContent === text) {
    // The same words again: empty the live region first so they are read again.
    live.textContent = "";
    screen.timer = window.setTimeout(() => {
      live.textContent = text;
    }, 100);
  } else {
    live.textContent = text;
  }
}
