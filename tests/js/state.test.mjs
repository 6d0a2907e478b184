// The form's questions as state.js shows them: a question a later version of the policy adds is
// asked only of purchases from its day, and its answer waits (parked) while the purchase date
// says it is not asked, as the customer changes the date back and forth.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  EMPTY,
  conditionsHold,
  shownQuestions,
  withAnswer,
} from "../../policy_site/shipping/assets/policy-check/state.js";

const BOUGHT_FROM = {
  field: "bought_from",
  kind: "choice",
  choices: ["imgtostl", "reseller", "unsure"],
  fallback: null,
  shownWhen: null,
  askedFrom: "2027-01-15",
  askedBy: "purchase_date",
};
const QUESTIONS = [
  { field: "purchase_date", kind: "date", choices: [], fallback: null, shownWhen: null },
  BOUGHT_FROM,
];

test("a later version's question is asked from its day, not before, and not without a date", () => {
  assert.equal(conditionsHold(BOUGHT_FROM, {}), false);
  assert.equal(conditionsHold(BOUGHT_FROM, { purchase_date: "2027-01-14" }), false);
  assert.equal(conditionsHold(BOUGHT_FROM, { purchase_date: "2027-01-15" }), true);
  assert.equal(conditionsHold(BOUGHT_FROM, { purchase_date: "2027-03-01" }), true);
});

test("its answer waits while an earlier date hides it, and comes back with a later one", () => {
  let state = withAnswer(EMPTY, "purchase_date", "2027-01-20", QUESTIONS);
  assert.deepEqual(
    shownQuestions(state, QUESTIONS).map((q) => q.field),
    ["purchase_date", "bought_from"],
  );
  state = withAnswer(state, "bought_from", "reseller", QUESTIONS);
  state = withAnswer(state, "purchase_date", "2026-12-01", QUESTIONS);
  assert.equal("bought_from" in state.answers, false); // neither judged nor sent
  assert.deepEqual(shownQuestions(state, QUESTIONS).map((q) => q.field), ["purchase_date"]);
  state = withAnswer(state, "purchase_date", "2027-02-02", QUESTIONS);
  assert.equal(state.answers.bought_from, "reseller");
});
