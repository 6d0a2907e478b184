// @ts-check
/**
 * The self-check's answers: one value, from which the page derives what it shows, what the
 * checker judges and what the link and the email carry. Pure functions, no DOM.
 *
 *   answers      {field: text}  answers to the form's questions, as the contract writes them
 *   parked       {field: text}  answers to questions that the customer's own changes hid; they
 *                               come back if the question does
 *   support      {field: text}  support's answers, from a link: shown read-only, never edited
 *   requestDate  null | text    the request date a link or an example gave: shown in the form
 *                               and changeable; null means today, as the visitor's browser says
 *
 * Questions are described by the form's markup (see readQuestions in form.js):
 *   {field, kind, choices: [value], fallback: text | null, shownWhen: {field: [value]} | null,
 *    askedFrom: ISO date | null (asked only of purchases from that day: a later version's),
 *    askedBy: field | null (the date compared with askedFrom: the policy's version date)}
 */

export const EMPTY = Object.freeze({ answers: {}, parked: {}, support: {}, requestDate: null });

export const REQUEST_DATE = "request_date";

/** Whether a question's conditions hold for these answers. */
export function conditionsHold(question, answers) {
  // ISO dates compare as text; no version date (purchase, order…) yet: not asked yet.
  if (question.askedFrom && !((answers[question.askedBy ?? ""] ?? "") >= question.askedFrom)) return false;
  if (!question.shownWhen) return true;
  return Object.entries(question.shownWhen).every(
    ([field, allowed]) => Array.isArray(allowed) && allowed.includes(answers[field] ?? ""),
  );
}

/**
 * The questions the form shows: those whose conditions hold, and any other that has an answer
 * (a link may answer a question its other answers do not ask; the page shows that answer rather
 * than drop it or judge what it does not show).
 */
export function shownQuestions(state, questions) {
  return questions.filter(
    (question) => question.field in state.answers || conditionsHold(question, state.answers),
  );
}

/** The state after the customer gives ``value`` ("" for none) to one question. */
export function withAnswer(state, field, value, questions) {
  const before = state.answers;
  const answers = { ...before };
  const parked = { ...state.parked };
  if (value === "") delete answers[field];
  else answers[field] = value;
  delete parked[field];
  for (const question of questions) {
    if ((!question.shownWhen && !question.askedFrom) || question.field === field) continue;
    const was = conditionsHold(question, before);
    const now = conditionsHold(question, answers);
    if (was && !now && question.field in answers) {
      // The customer's change hides the question: its answer waits, and is neither judged nor sent.
      parked[question.field] = answers[question.field];
      delete answers[question.field];
    } else if (!was && now && !(question.field in answers) && question.field in parked) {
      answers[question.field] = parked[question.field];
      delete parked[question.field];
    }
  }
  return { ...state, answers, parked };
}

export function withRequestDate(state, value) {
  return { ...state, requestDate: value };
}

/** The answers as the checker judges them and the link carries them (today is sent apart). */
export function queryOf(state, questions, supportFields) {
  const params = new URLSearchParams();
  for (const question of shownQuestions(state, questions)) {
    if (question.field in state.answers) params.append(question.field, state.answers[question.field]);
  }
  if (state.requestDate !== null) params.append(REQUEST_DATE, state.requestDate);
  for (const field of supportFields) {
    if (field in state.support) params.append(field, state.support[field]);
  }
  return params.toString();
}

/** Whether the form's control for ``question`` can show ``value`` as it is. */
export function fits(question, value) {
  if (question.kind === "date") return isDate(value);
  if (question.kind === "count") return /^\d{1,6}$/.test(value);
  return question.choices.includes(value);
}

export function isDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * The state a link opens: its answers as the form can show them, support's answers, its request
 * date, and for each question the link leaves out but its answers ask, the contract's default
 * (the CLI and JSON judge a link's missing answers the same way, and the page shows them as
 * answered). What the form cannot show is left for the checker to explain.
 */
export function fromLink(query, questions, supportFields) {
  const answers = {};
  const support = {};
  let requestDate = null;
  const seen = new Set();
  const byField = new Map(questions.map((question) => [question.field, question]));
  for (const [key, raw] of new URLSearchParams(query)) {
    if (seen.has(key)) continue; // the checker reports an answer given twice
    seen.add(key);
    // trim() removes exactly the checker's TRIMMED characters (tests/site/test_table_js.py).
    const value = raw.trim();
    const question = byField.get(key);
    if (question) {
      if (fits(question, value)) answers[key] = value;
    } else if (supportFields.includes(key)) {
      if (value === "true" || value === "false") support[key] = value;
    } else if (key === REQUEST_DATE) {
      requestDate = isDate(value) ? value : "";
    }
  }
  for (const question of questions) {
    if (question.fallback !== null && !(question.field in answers) && !seen.has(question.field)) {
      if (conditionsHold(question, answers)) answers[question.field] = question.fallback;
    }
  }
  return { answers, parked: {}, support, requestDate };
}

/** The state the checker judged (its result's answers), keeping what the customer had parked. */
export function fromResult(resultAnswers, state, questions, supportFields) {
  const answers = {};
  const support = {};
  let requestDate = null;
  const fields = new Set(questions.map((question) => question.field));
  for (const [field, value] of Object.entries(resultAnswers || {})) {
    const text = String(value); // true/false as the link writes them
    if (fields.has(field)) answers[field] = text;
    else if (supportFields.includes(field)) support[field] = text;
    else if (field === REQUEST_DATE) requestDate = text;
  }
  const parked = { ...state.parked };
  for (const field of Object.keys(answers)) delete parked[field];
  return { answers, parked, support, requestDate };
}

/** The state after "Start again": no answers; support's stay, as only support changes them. */
export function startedAgain(state) {
  return { ...EMPTY, support: { ...state.support } };
}
