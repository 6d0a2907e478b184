// What the self-check's component (policy_site/shipping/assets/policy-check/component.js) takes
// back from this tab's history (history.state) after a reload, and the size every browser module is kept to.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import { restorable } from "../../policy_site/shipping/assets/policy-check/component.js";

const FOLDER = new URL("../../policy_site/shipping/assets/policy-check/", import.meta.url);
const QUESTIONS = [
  { field: "purchase_date", kind: "date", choices: [], fallback: null, shownWhen: null },
  { field: "purchase_type", kind: "choice", choices: ["credit_pack"], fallback: null, shownWhen: null },
  { field: "previous_refund_requests", kind: "count", choices: [], fallback: "0", shownWhen: null },
];

test("a reload gives back only answers the form can show, and nothing is ever assumed", () => {
  const kept = {
    answers: { purchase_date: "2026-02-30", purchase_type: "credit_pack", unknown: "x" },
    parked: { previous_refund_requests: "3" },
    support: { terms_violation: "maybe", chargeback_seen: "true" },
    requestDate: "2026-12-01",
  };
  assert.deepEqual(restorable(kept, QUESTIONS, ["terms_violation", "chargeback_seen"]), {
    answers: { purchase_type: "credit_pack" },
    parked: { previous_refund_requests: "3" },
    support: { chargeback_seen: "true" },
    requestDate: "2026-12-01",
  });
  for (const junk of [null, "text", 42, []]) {
    const restored = restorable(junk, QUESTIONS, []);
    assert.ok(restored === null || Object.keys(restored.answers).length === 0, String(junk));
  }
});

test("no hand-written browser module is over 400 lines", () => {
  for (const name of readdirSync(FOLDER).filter((file) => /\.m?js$/.test(file))) {
    const lines = readFileSync(new URL(name, FOLDER), "utf8").split("\n").length - 1;
    assert.ok(lines <= 400, `${name} has ${lines} lines: split it`);
  }
});
