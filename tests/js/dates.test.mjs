// A policy's own dates read as the checker reads them (policy_site/shipping/assets/policy-check/
// dates.js; policy_engine/answers.py, spans.py). That the page's whole answer is the checker's is
// tests/browser/test_spans.py's, in Chromium.
import assert from "node:assert/strict";
import { test } from "node:test";

import { readDates, spanDays } from "../../policy_site/shipping/assets/policy-check/dates.js";

// The print guarantee's dates (tests/fixtures/print_delivery/policy.toml).
const DATA = {
  clock_slack_days: 2,
  sales_started: "2024-01-01",
  questions: ["order_date", "delivery_date", "request_date"].map((field) => ({ field, kind: "date" })),
  spans: [
    { name: "days_since_delivery", from: "delivery_date", to: "request_date", dim: "days_since_delivery" },
    { name: "days_to_deliver", from: "order_date", to: "delivery_date", dim: "days_to_deliver" },
  ],
  in_order: [["delivery_date", "request_date"], ["order_date", "delivery_date"], ["order_date", "request_date"]],
};

function read(values, today = "2026-12-05", source = "link") {
  const given = { ...values };
  const copy = { ...values };
  const days = readDates(DATA, copy, given, today, source);
  return { days, values: copy, given };
}

test("each span is counted from its own two dates", () => {
  const { days } = read({ order_date: "2026-03-01", delivery_date: "2026-03-08", request_date: "2026-04-07" });
  assert.deepEqual(spanDays(DATA, days), { days_since_delivery: 30, days_to_deliver: 7 });
});

test("a span's dates out of order, a date ahead or before sales: left to the checker", () => {
  assert.equal(read({ order_date: "2026-03-08", delivery_date: "2026-03-01" }).days, null);
  assert.equal(read({ order_date: "2026-03-01", delivery_date: "2026-03-10", request_date: "2026-03-09" }).days, null);
  assert.equal(read({ order_date: "2026-12-01", delivery_date: "2026-12-09" }).days, null);
  assert.equal(read({ order_date: "2019-03-01", delivery_date: "2026-03-01" }).days, null);
});

test("a delivery a day ahead dates a link's request that day, not the form's", () => {
  const link = read({ order_date: "2026-12-01", delivery_date: "2026-12-06" });
  assert.equal(link.values.request_date, "2026-12-06");
  assert.equal(link.given.request_date, "2026-12-06");
  assert.equal(spanDays(DATA, link.days).days_since_delivery, 0);
  // The form asks the visitor's today: a delivery after it is the checker's to refuse.
  assert.equal(read({ order_date: "2026-12-01", delivery_date: "2026-12-06" }, "2026-12-05", "form").days, null);
});
