// @ts-check
/**
 * The policy's decision table (decisions.json, made at build time from the committed ledger):
 * what the checker decides in every situation, read without Python. Pure functions, no DOM, so
 * Node's test runner runs them too (tests/js/).
 *
 * It answers a customer within seconds of opening a link or pressing "Check my answers", while
 * Pyodide is still downloading, and without WebAssembly at all. It answers only what it can
 * answer exactly as the checker would: complete, valid answers (the verdict, the answers that
 * would change it, the clauses, notes, alternatives, how a refund arrives, what support checks,
 * the recap, the email and the link), and a form's unanswered questions. Anything else (a date
 * out of range, a value it does not know, a key given twice) it leaves to the checker: null.
 * The checker stays the authority; the browser tests hold the two equal at every step.
 *
 * Every word comes from the data (the checker's own words, written by the build).
 */

import { DAY_MS, REQUEST, dayNumber, longDate, readDates, spanDays } from "./dates.js";

export { dayNumber, longDate };
// The checker's limits come with the data (decisions.json: count_digits, the longest count read
// as a number; clock_slack_days, how far a date may be ahead of the reader's today; trimmed, the
// characters trimmed from a value), never restated here.

/** Python's urllib.parse.quote(text, safe=""): what encodeURIComponent leaves, less !'()*. */
export const quote = (text) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** Whether a later version's question is asked of this case: from its day, compared with the
 * policy's version date (asked_by: the purchase's, the order's; ISO dates). */
const askedOf = (question, text) => !question.asked_from || (text[question.asked_by] ?? "") >= question.asked_from;

function shown(question, text) {
  return askedOf(question, text) && question.shown_when.every(([field, allowed]) => allowed.includes(text[field] ?? ""));
}

/** The version in force on a day (before the first, the first), as Policies.in_force. */
function inForce(data, day) {
  let chosen = data.versions[0];
  for (const version of data.versions) {
    if (/** @type {number} */ (dayNumber(version.effective)) <= day) chosen = version;
  }
  return chosen;
}

function classify(data, version, answers) {
  const spanOf = Object.fromEntries(data.spans.map((span) => [span.dim, span.name]));
  return version.dims.map((dim) => {
    if (dim.ranges) {
      const number = dim.name in spanOf ? answers.spans[spanOf[dim.name]] : answers.values[dim.name];
      return dim.ranges.findIndex(([low, high]) => number >= low && (high === null || number <= high));
    }
    const value = answers.values[dim.name];
    return dim.keys.indexOf(value === undefined ? data.not_given : String(value));
  });
}

function matches(when, situation) {
  return when.every((allowed, index) => allowed === null || allowed.includes(situation[index]));
}

/** The outcome a table records for a situation ("-" where a clause or note does not apply). */
function lookup(version, name, situation) {
  const row = (version.tables[name] || []).find(([when]) => matches(when, situation));
  return row ? row[1] : "-";
}

function verdictOf(data, version, answers) {
  const situation = classify(data, version, answers);
  return { situation, outcome: data.outcomes[lookup(version, "verdict", situation)] };
}

/** ``text`` without the characters the checker trims from either end (policy_engine.answers
 * TRIMMED, shipped as data.trimmed). */
export function trimmed(data, text) {
  const chars = [...String(data.trimmed ?? "")];
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start])) start += 1;
  while (end > start && chars.includes(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/**
 * @typedef {{given: Record<string, string>, values: Record<string, string | number>,
 *   days: Record<string, number>, version: number, request: number}} ReadAnswers
 * days: each date answer (the request's too) as a day number; version: the version date's.
 */

/** Read answers as policy_engine.answers.parse_answers reads a query; null when only the checker
 * can say what is wrong; {errors} for a form's unanswered questions.
 * @returns {null | {errors: {field: string, message: string}[]} | ReadAnswers} */
function read(data, query, today, source) {
  const byField = new Map(data.questions.map((question) => [question.field, question]));
  /** @type {Record<string, string>} */
  const raw = {};
  for (const [key, value] of new URLSearchParams(query)) {
    if (key in raw) return null; // a key given twice: the checker says so
    raw[key] = trimmed(data, value);
  }
  /** @type {Record<string, string>} */
  const given = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!byField.has(key)) return null; // a key the policy does not know
    if (value !== "") given[key] = value;
  }
  const errors = [];
  for (const question of data.questions) {
    if (!askedOf(question, given)) {
      delete given[question.field]; // not asked of this purchase: judged without it, as the checker
      continue;
    }
    if (question.field in given) continue;
    const asked = question.asker === "customer";
    if (question.default === null || (source === "form" && asked && shown(question, given))) {
      if (source !== "form") return null; // a link's words are the checker's to say
      errors.push({ field: question.field, message: question.when_missing || `Answer “${question.label}”.` });
    }
  }
  /** @type {Record<string, string | number>} */
  const values = {};
  for (const question of data.questions) {
    if (!(question.field in given)) continue;
    const value = given[question.field];
    if (question.kind === "date") {
      if (dayNumber(value) === null) return null;
    } else if (question.kind === "count") {
      if (!/^\d+$/.test(value) || value.length > data.count_digits || Number(value) > data.max_count) {
        return null;
      }
    } else if (!question.options.some(([option]) => option === value)) {
      return null;
    }
    values[question.field] = question.kind === "count" ? Number(value) : value;
  }
  const days = readDates(data, values, given, today, source);
  if (days === null) return null;
  if (errors.length) return { errors };
  // Every question without a default was answered, or errors (or null) were returned: the
  // version date among them.
  return { given, values, days, version: days[data.version_date], request: days[REQUEST] };
}

/**
 * The table's answer to ``query`` (the answers as a URL query, as the page sends the checker)
 * from ``source`` ("form" or "link") on the visitor's ``today`` (YYYY-MM-DD), on the policy
 * ``page`` (its address, for the email's link): a result in the checker's JSON form (its
 * decision, not its day-count and version sentences), {errors}, or null when only the checker
 * can answer.
 */
export function quickAnswer(data, query, today, source, page = "") {
  const answers = read(data, query, today, source);
  if (answers === null || "errors" in answers) return answers;
  const values = { ...answers.values };
  // The contract's defaults for what was not given (support's answer stays "not given").
  for (const question of data.questions) {
    if (!(question.field in values) && question.default !== null && question.asker === "customer") {
      values[question.field] = question.kind === "count" ? Number(question.default) : question.default;
    }
  }
  const judged = { values, spans: spanDays(data, answers.days) };
  const version = inForce(data, answers.version);
  const { situation, outcome } = verdictOf(data, version, judged);
  const asked = inForce(data, answers.request);
  let newer = null;
  const effective = (/** @type {{effective: string}} */ v) => /** @type {number} */ (dayNumber(v.effective));
  if (effective(asked) > effective(version)) {
    const other = verdictOf(data, asked, judged).outcome;
    if (other.verdict !== outcome.verdict) newer = { version: asked, outcome: other };
  }
  const clauses = version.clauses.filter(
    (clause) => lookup(version, `clause ${clause.id}`, situation) === "applies",
  );
  const applies = (kind, id) => lookup(version, `${kind} ${id}`, situation) === "applies";
  // What the policy warns about stands apart from the other notes (policy_engine.advice.warnings), in
  // the words of the version that judges (policy.toml's [versions.warnings]).
  const warned = version.warnings.filter(([kind, id]) => applies(kind, id));
  const warningNotes = new Set(version.warnings.filter(([kind]) => kind === "note").map(([, id]) => id));
  const notesShown = version.notes.filter(([id]) => applies("note", id) && !warningNotes.has(id));
  const notes = notesShown.map(([, text]) => text);
  const alternatives = lookup(version, "alternatives", situation)
    .split(",")
    .filter((id) => id && id !== "none")
    .map((id) => ({ id, text: version.alternatives[id] }));
  const supportChecks = lookup(version, "support-checks", situation)
    .split(",")
    .filter((field) => field && field !== "none")
    .map((field) => data.questions.find((question) => question.field === field).support_checks);

  // What the customer was shown or gave (policy_engine.answers.shown_answers), in the questions'
  // order.
  const requestDate = REQUEST in values ? values[REQUEST] : null;
  const shownAnswers = [];
  for (const question of data.questions) {
    const value = question.field === REQUEST ? requestDate : values[question.field];
    if (value === undefined || value === null) continue;
    const text = String(value);
    const wasGiven = question.field in answers.given;
    if (wasGiven || (question.asker === "customer" && shown(question, stringify(values)))) {
      shownAnswers.push([question, text]);
    }
  }
  const recap = shownAnswers.map(([question, text]) => {
    if (question.asker === "support") {
      const says = question.support_says.find(([value]) => value === text);
      return {
        field: question.field,
        question: data.email.given_in_link,
        answer: says ? says[1] : text,
      };
    }
    let answer = text;
    if (question.kind === "date") answer = longDate(data, text);
    else if (question.kind !== "count") {
      const option = question.options.find(([value]) => value === text);
      answer = option ? option[1] : text;
    }
    return { field: question.field, question: question.label, answer };
  });
  const link = `#check?${new URLSearchParams(shownAnswers.map(([q, text]) => [q.field, text]))}`;
  // The email's link carries the day judged too (Result.dated_link): opened later, or in
  // another time zone, it shows that day's verdict.
  const requestDay = new Date(answers.request * DAY_MS).toISOString().slice(0, 10);
  const datedLink = requestDate === null ? `${link}&request_date=${requestDay}` : link;
  // Judged as of another day than the reader's (Result.checked_on): what today would say.
  const todayNumber = /** @type {number} */ (dayNumber(today)); // read() checked it is a day
  let checked = null;
  if (requestDate !== null && answers.request !== todayNumber) {
    let todayWould = null;
    if (answers.version <= todayNumber) {
      const spans = spanDays(data, { ...answers.days, [REQUEST]: todayNumber });
      const other = verdictOf(data, version, { values, spans }).outcome;
      if (other.verdict !== outcome.verdict) {
        todayWould = {
          verdict: other.verdict,
          title: other.title,
          text: fill(data.checked.today_would, { today: longDate(data, today), title: other.title }),
        };
      }
    }
    checked = {
      date: requestDate,
      text: fill(data.checked.on, { date: longDate(data, requestDate) }),
      today: todayWould,
    };
  }
  const typed = {};
  for (const [question, text] of shownAnswers) {
    if (question.kind === "count") typed[question.field] = Number(text);
    else if (question.kind === "yes_no" && (text === "true" || text === "false")) {
      typed[question.field] = text === "true";
    } else typed[question.field] = text;
  }
  return {
    source: "table",
    verdict: outcome.verdict,
    role: outcome.role,
    title: outcome.title,
    summary: outcome.summary,
    // Each as the table has it: id, effect, effect_text, role, text (the checker's fields).
    clauses: clauses.map((clause) => ({ ...clause })),
    warnings: warned.map(([, , text]) => text),
    warning_links: warned.map(([, , , , anchor]) => anchor),
    missing: outcome.missing,
    missing_questions: outcome.missing_questions,
    support_checks: supportChecks,
    notes,
    note_links: notesShown.map(([, , anchor]) => anchor),
    processing_time: version.refund_arrives[lookup(version, "refund-arrives", situation)] || "",
    alternatives,
    recap,
    email: email(data, {
      values,
      today,
      version,
      outcome,
      newer,
      recap,
      warned,
      shown: new Set(shownAnswers.map(([question]) => question.field)),
      link: page ? `${page.split("#")[0]}${datedLink}` : "",
    }),
    answers: typed,
    link,
    checked,
    // Each span the policy names, by its name, as the checker's result has it.
    ...judged.spans,
    policy: { effective: version.effective, last_updated: version.last_updated },
  };
}

const stringify = (values) => Object.fromEntries(Object.entries(values).map(([field, value]) => [field, String(value)]));

function email(data, { values, today, version, outcome, newer, recap, warned, shown, link }) {
  // The email's lines are the judging version's (policy.toml's [versions.email]).
  const words = { ...data.email, ...version.email };
  // The answers the email names, as policy_engine.advice.email_slots words them.
  const slots = { bought: longDate(data, String(values[data.version_date])) };
  const slotField = { bought: data.version_date };
  const texts = stringify(values);
  for (const [slot, [field, form]] of Object.entries(data.email.slots || {})) {
    const text = texts[field] ?? "";
    const question = data.questions.find((asked) => asked.field === field);
    const option = question.options.find(([value]) => value === text);
    slots[slot] = form === "label" ? (option ? option[1] : text) : text.replaceAll("_", " ");
    slotField[slot] = field;
  }
  const subject = fill(words.subject, slots);
  // As policy_engine.advice.answer_lines: each line only where every answer it names was shown.
  const told = words.answer_lines.length
    ? words.answer_lines
        .filter((line) => [...line.matchAll(/\{(\w+)\}/g)].every(([, slot]) => shown.has(slotField[slot])))
        .map((line) => fill(line, slots))
    : recap.map((line) => {
        const asked = line.question === words.given_in_link ? words.given_in_link_email : line.question;
        return `- ${asked}${asked.endsWith("?") ? " " : ": "}${line.answer}`;
      });
  const versionLine = fill(words.version, {
    effective: longDate(data, version.effective),
    last_updated: version.last_updated,
  });
  // As policy_engine.advice.email orders it, and leaves out whole lines should it not fit.
  const body = (kept, withVersion) => {
    const lines = [
      ...words.opening.map((line) => fill(line, slots)),
      "",
      fill(words.result, { today: longDate(data, today), title: outcome.title }),
    ];
    if (withVersion) lines.push(versionLine);
    if (newer) {
      lines.push(
        fill(words.newer, {
          effective: longDate(data, newer.version.effective),
          title: newer.outcome.title,
        }),
      );
    }
    if (link) lines.push(fill(words.link, { link }));
    if (warned.length) lines.push("", words.warnings, ...warned.map(([, , , said]) => `- ${said}`));
    if (kept) lines.push("", words.answers, ...told.slice(0, kept));
    lines.push("", words.closing);
    return lines.join("\n");
  };
  const tries = [];
  for (let kept = told.length; kept >= 0; kept -= 1) tries.push([kept, true]);
  tries.push([0, false]);
  let made = null;
  for (const [kept, withVersion] of tries) {
    made = mailto(data, subject, body(kept, withVersion));
    if (made.mailto.length <= data.email.limit) return made;
  }
  return made;
}

/** policy_engine.advice.blank_email: the mailto link, to the configured address only. */
export function mailto(data, subject, body) {
  const address = data.support_email;
  const href = `mailto:${quote(address).replace(/%40/g, "@")}?subject=${quote(subject)}&body=${quote(body)}`;
  return { to: address, subject, body, mailto: href };
}
