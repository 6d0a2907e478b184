// @ts-check
/**
 * The questions: read their description from the markup the build made, show a state in them,
 * and show the checker's errors the GOV.UK way (a summary with links, and a message by each
 * question). The form holds no answers of its own: the state (state.js) does.
 */

import { REQUEST_DATE, shownQuestions } from "./state.js";

/** The form's questions as state.js describes them, from their markup. */
export function readQuestions(form) {
  const questions = [];
  for (const block of form.querySelectorAll("[data-question]")) {
    if (block.hasAttribute("data-request-date")) continue;
    let shownWhen = null;
    if (block.dataset.shownWhen) {
      try {
        shownWhen = JSON.parse(block.dataset.shownWhen);
      } catch {
        shownWhen = null; // unreadable: better to ask the question than to hide it
      }
    }
    questions.push({
      field: block.dataset.question,
      kind: block.dataset.kind || "choice",
      choices: [...block.querySelectorAll("input[type=radio]")].map((input) => input.value),
      fallback: block.dataset.default ?? null,
      shownWhen,
      askedFrom: block.dataset.askedFrom || null,
      askedBy: block.dataset.askedBy || null,
    });
  }
  return questions;
}

/** The fields of support's answers, from their lines in the markup. */
export function readSupportFields(root) {
  const fields = [...root.querySelectorAll("[data-support-line]")].map(
    (line) => line.dataset.supportLine,
  );
  return [...new Set(fields)];
}

function controls(form, field) {
  return [...form.querySelectorAll(`[name="${CSS.escape(field)}"]`)];
}

/** Show ``state`` in the form: every answer, which questions are asked, support's lines. */
export function showState(form, root, state, questions) {
  const shown = new Set(shownQuestions(state, questions).map((question) => question.field));
  for (const question of questions) {
    const block = form.querySelector(`[data-question="${CSS.escape(question.field)}"]`);
    if (!block) continue;
    const visible = shown.has(question.field);
    block.hidden = !visible;
    const value = state.answers[question.field] ?? "";
    for (const control of controls(form, question.field)) {
      control.disabled = !visible;
      if (control.type === "radio") control.checked = control.value === value;
      else if (control.value !== value) control.value = value;
    }
  }
  const requestBlock = form.querySelector("[data-request-date]");
  if (requestBlock) {
    requestBlock.hidden = state.requestDate === null;
    for (const control of controls(form, REQUEST_DATE)) {
      control.disabled = state.requestDate === null;
      const value = state.requestDate ?? "";
      if (control.value !== value) control.value = value;
    }
  }
  const supportBlock = root.querySelector("[data-support]");
  if (supportBlock) {
    let any = false;
    for (const line of supportBlock.querySelectorAll("[data-support-line]")) {
      line.hidden = state.support[line.dataset.supportLine] !== line.dataset.value;
      any = any || !line.hidden;
    }
    supportBlock.hidden = !any;
  }
}

/** The field and value of a change the customer made in the form, or null. */
export function changeOf(event) {
  const control = event.target;
  if (!(control instanceof HTMLInputElement) || !control.name) return null;
  if (control.type === "radio") return control.checked ? { field: control.name, value: control.value } : null;
  return { field: control.name, value: control.value.trim() };
}

/* Errors (GOV.UK Design System pattern) ----------------------------------------------------- */

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

/** The element that holds a question's state for assistive technology: fieldset or input. */
function controlFor(block, field) {
  if (block.tagName === "FIELDSET") return block;
  return block.querySelector(`#rc-${CSS.escape(field)}`) || block.querySelector("input");
}

export function clearErrors(root) {
  const summary = root.querySelector("[data-error-summary]");
  if (summary) summary.hidden = true;
  root.querySelector("[data-error-list]")?.replaceChildren();
  for (const message of root.querySelectorAll("[data-field-error]")) {
    message.hidden = true;
    message.replaceChildren();
    const block = message.closest("[data-question]");
    if (!block) continue;
    block.classList.remove("policy-check__question--error");
    const control = controlFor(block, block.dataset.question);
    if (control) {
      control.removeAttribute("aria-invalid");
      removeToken(control, "aria-describedby", message.id);
    }
  }
}

/** The checker's errors: a summary linking to each question shown, and a message by each. */
export function showErrors(root, errors, prefix, { focus = true } = {}) {
  clearErrors(root);
  const summary = root.querySelector("[data-error-summary]");
  const list = root.querySelector("[data-error-list]");
  if (!summary || !list) return;
  const items = [];
  for (const error of errors) {
    const field = String((error && error.field) || "");
    const text = String((error && error.message) || "");
    const block = field ? root.querySelector(`[data-question="${CSS.escape(field)}"]`) : null;
    const target = block && !block.hidden ? root.querySelector(`#rc-${CSS.escape(field)}`) : null;
    const item = document.createElement("li");
    if (block && target) {
      const link = document.createElement("a");
      link.href = `#rc-${field}`;
      link.dataset.field = field;
      link.textContent = text;
      item.append(link);
      markField(block, field, text, prefix);
    } else {
      item.textContent = text; // not a question of the form (an unknown key in a link)
    }
    items.push(item);
  }
  list.replaceChildren(...items);
  summary.hidden = false;
  if (focus) summary.focus();
}

function markField(block, field, text, prefix) {
  const message = block.querySelector("[data-field-error]");
  if (!message) return;
  const hidden = document.createElement("span");
  hidden.className = "policy-check__visually-hidden";
  hidden.textContent = prefix;
  message.replaceChildren(hidden, document.createTextNode(text));
  message.hidden = false;
  block.classList.add("policy-check__question--error");
  const control = controlFor(block, field);
  if (control) {
    control.setAttribute("aria-invalid", "true");
    addToken(control, "aria-describedby", message.id);
  }
}

/** Move to a question: its label or legend in view, focus on its chosen option or input. */
export function focusQuestion(root, field, { smooth = true } = {}) {
  const block = root.querySelector(`[data-question="${CSS.escape(field)}"]`);
  if (!block || block.hidden) return false;
  const inputs = [...block.querySelectorAll("input")].filter((input) => !input.disabled);
  const target = inputs.find((input) => input.type === "radio" && input.checked) || inputs[0];
  block.scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
  target?.focus({ preventScroll: true });
  return true;
}
