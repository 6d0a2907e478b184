// The decision table's own arithmetic (policy_site/shipping/assets/policy-check/table.js). That it answers
// as the checker does, field by field, is tests/site/test_table_js.py's, from Python's side.
import assert from "node:assert/strict";
import { test } from "node:test";

import { dayNumber, longDate, mailto, quote, trimmed } from "../../policy_site/shipping/assets/policy-check/table.js";

const DATA = {
  months: ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"],
  support_email: "support@imgtostl.com",
  email: { limit: 1900 },
};

test("only real dates are days", () => {
  assert.equal(dayNumber("1970-01-02"), 1);
  assert.equal(dayNumber("2024-02-29") - dayNumber("2024-02-28"), 1);
  for (const text of ["2026-02-30", "2026-13-01", "26-01-01", "2026-1-01", "", "today"]) {
    assert.equal(dayNumber(text), null, text);
  }
});

test("dates read as people write them", () => {
  assert.equal(longDate(DATA, "2026-05-01"), "1 May 2026");
  assert.equal(longDate(DATA, "2026-12-31"), "31 December 2026");
});

test("text is percent-encoded as Python's quote(safe='') does", () => {
  assert.equal(quote("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  assert.equal(quote("it's (a) test!*~._-"), "it%27s%20%28a%29%20test%21%2A~._-");
  assert.equal(quote("“Not sure”"), "%E2%80%9CNot%20sure%E2%80%9D");
});

test("an email is never cut: the link holds the whole body (table.js leaves out whole lines)", () => {
  const short = mailto(DATA, "Refund request", "Hello");
  assert.equal(short.mailto, "mailto:support@imgtostl.com?subject=Refund%20request&body=Hello");
  const long = mailto(DATA, "Refund request", "word ".repeat(600));
  assert.equal(long.body, "word ".repeat(600));
  assert.ok(long.mailto.endsWith(quote("word ".repeat(600))));
});

test("values are trimmed of the checker's characters only", () => {
  const data = { trimmed: "\ufeff \u3000" };
  assert.equal(trimmed(data, "\ufeff credit_pack\u3000"), "credit_pack");
  assert.equal(trimmed(data, "\u0085credit_pack\u001c"), "\u0085credit_pack\u001c");
});
