// @ts-check
/**
 * The self-check's dates, read as the checker reads them (policy_engine.answers, spans): day
 * numbers, each held to today, to the day sales started and to the policy's spans, and the spans
 * the policy names counted from them. Pure functions, no DOM (tests/js/ runs them).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DAY_MS = 86400000;
// Every policy asks the date of the request (policy_engine.spans.REQUEST_DATE).
export const REQUEST = "request_date";

/** Days since 1970-01-01 for a YYYY-MM-DD text that is a real date; else null. */
export function dayNumber(text) {
  const match = DATE.exec(String(text));
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return Math.round(time / DAY_MS);
}

/** "1 May 2026", as policy_engine.policy.long_date writes it. */
export function longDate(data, text) {
  const match = /** @type {RegExpExecArray} */ (DATE.exec(text)); // a date the reader checked
  return `${Number(match[3])} ${data.months[Number(match[2]) - 1]} ${match[1]}`;
}

/** Each span the policy names (decisions.json's spans), in days, from day numbers by field, as
 * policy_engine.spans.Span.days counts it. */
export function spanDays(data, days) {
  return Object.fromEntries(data.spans.map((span) => [span.name, days[span.to] - days[span.from]]));
}

/**
 * Every date answer in ``values`` (real dates, already read) as a day number by field, the
 * request's included (today when not given), as policy_engine.answers.read_answers holds them;
 * null when one is out of range or a span's dates are out of order (the checker words what is
 * wrong). A date ahead of the reader's ``today`` within the clock slack dates the request, in
 * ``values`` and ``given`` too.
 * @returns {Record<string, number> | null}
 */
export function readDates(data, values, given, today, source) {
  const todayNumber = dayNumber(today);
  if (todayNumber === null) return null;
  const latest = todayNumber + data.clock_slack_days;
  const started = /** @type {number} */ (dayNumber(data.sales_started));
  /** @type {Record<string, number>} */
  const days = {};
  for (const question of data.questions) {
    if (question.kind === "date" && question.field in values) {
      days[question.field] = /** @type {number} */ (dayNumber(values[question.field]));
    }
  }
  const requestGiven = REQUEST in values;
  if (!requestGiven) {
    days[REQUEST] = todayNumber;
    // A date after the reader's today within the clock slack was the customer's today in a zone
    // ahead of the reader's: the request is dated that day (the latest such), and said as if
    // given.
    const ahead = Object.values(days).filter((day) => day > todayNumber && day <= latest);
    if (source !== "form" && ahead.length) {
      days[REQUEST] = Math.max(...ahead);
      values[REQUEST] = new Date(days[REQUEST] * DAY_MS).toISOString().slice(0, 10);
      given[REQUEST] = String(values[REQUEST]);
    }
  }
  for (const [field, day] of Object.entries(days)) {
    if (field === REQUEST && !requestGiven) continue;
    if (day > latest || day < started) return null;
  }
  for (const [first, then] of data.in_order) {
    if (first in days && then in days && days[then] < days[first]) return null;
  }
  return days;
}
