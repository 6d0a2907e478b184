// The self-check's state machine (policy_site/shipping/assets/policy-check/machine.js), driven
// through the races customers meet, with a fake runtime and a fake decision table: each test is a
// sequence of events, and what the visitor would see is read from the states it passes through.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  busy,
  failureMessage,
  initialState,
  transition,
} from "../../policy_site/shipping/assets/policy-check/machine.js";

const QUESTIONS = [
  { field: "purchase_date", kind: "date", choices: [], fallback: null, shownWhen: null },
  {
    field: "purchase_type",
    kind: "choice",
    choices: ["credit_pack", "subscription"],
    fallback: null,
    shownWhen: null,
  },
  {
    field: "payment_provider",
    kind: "choice",
    choices: ["creem", "unsure"],
    fallback: "unsure",
    shownWhen: null,
  },
];
const COMPLETE = "purchase_date=2026-12-01&purchase_type=credit_pack&payment_provider=creem";

/** A result as the checker or the table gives it, for ``query``'s answers. */
function resultFor(query, source) {
  return {
    source,
    verdict: "likely_eligible",
    answers: Object.fromEntries(new URLSearchParams(query)),
    email: { mailto: "mailto:support@example.com?subject=x&body=y" },
  };
}

/** The policy's decision table, faked: it answers complete answers, names what is missing on a
 * form, and leaves a value it does not know to the checker (null), as table.js does. */
function fakeTable(query, source) {
  const answers = Object.fromEntries(new URLSearchParams(query));
  if (answers.purchase_type && !["credit_pack", "subscription"].includes(answers.purchase_type)) {
    return null;
  }
  const missing = ["purchase_date", "purchase_type"].filter((field) => !(field in answers));
  if (missing.length) {
    if (source !== "form") return null;
    return { errors: missing.map((field) => ({ field, message: `Answer ${field}.` })) };
  }
  return resultFor(query, "table");
}

/**
 * A self-check page: the machine, a fake table answering at once (as the page's does), and a
 * fake runtime that does only what the test tells it. Effects other than the table's are kept.
 */
function page({ table = fakeTable, hasTable = true } = {}) {
  const self = {
    state: initialState({ questions: QUESTIONS, supportFields: [], hasTable }),
    effects: [],
    history: [],
    send(event) {
      const { state, effects } = transition(self.state, event);
      self.state = state;
      self.history.push(state);
      for (const effect of effects) {
        if (effect.type === "ask-table") {
          self.send({ type: "table-answered", run: effect.run, answer: table(effect.query, effect.source) });
        } else {
          self.effects.push(effect);
        }
      }
      return self;
    },
    answer(query) {
      for (const [field, value] of new URLSearchParams(query)) self.send({ type: "answer", field, value });
      return self;
    },
    runtime(status, detail = "") {
      return self.send({ type: "runtime", status, detail });
    },
    /** The checker's answer to the check it was last asked. */
    checkerAnswers(answer) {
      const asked = self.taken("ask-checker").at(-1);
      assert.ok(asked, "the checker was never asked");
      return self.send({
        type: "checker-answered",
        run: asked.run,
        answer: answer ?? resultFor(asked.query, "checker"),
      });
    },
    /** The effects of ``type`` since the last call, removed from the list. */
    taken(type) {
      const found = self.effects.filter((effect) => effect.type === type);
      self.effects = self.effects.filter((effect) => effect.type !== type);
      return found;
    },
    focused() {
      return self.taken("focus").map((effect) => effect.target);
    },
  };
  return self;
}

test("a press while the self-check loads: the quick answer at once, then the checker confirms it in place", () => {
  const p = page().send({ type: "intent" }).runtime("loading").answer(COMPLETE);
  p.send({ type: "press" });
  assert.equal(p.state.form.view, "result");
  assert.equal(p.state.form.source, "table");
  assert.deepEqual(p.focused(), ["verdict"]);
  const [written] = p.taken("write-address");
  assert.equal(written.push, true, "a submitted result gets its own history entry");
  assert.equal(busy(p.state), false, "nothing spins beside an answer");
  p.runtime("ready");
  p.checkerAnswers();
  assert.equal(p.state.form.source, "checker");
  assert.equal(p.state.checks, 1);
  assert.deepEqual(p.focused(), [], "the confirmation does not move the visitor");
  assert.deepEqual(p.taken("write-address").map((effect) => effect.push), [false]);
});

test("errors while loading, then the download ends, then a second press gives the verdict", () => {
  const p = page().send({ type: "intent" }).runtime("loading");
  p.answer("purchase_date=2026-12-01&payment_provider=creem");
  p.send({ type: "press" });
  assert.deepEqual(p.state.form.errors, [{ field: "purchase_type", message: "Answer purchase_type." }]);
  assert.deepEqual(p.focused(), ["errors"]);
  p.runtime("ready");
  // Loading ends: the errors stay where focus is, nothing else moves or is asked.
  assert.deepEqual(p.state.form.errors.map((error) => error.field), ["purchase_type"]);
  assert.deepEqual(p.focused(), []);
  assert.deepEqual(p.taken("ask-checker"), []);
  p.answer("purchase_type=credit_pack").send({ type: "press" });
  assert.equal(p.state.form.view, "result", "the second press gives the verdict");
  assert.equal(p.state.form.errors, null);
  assert.deepEqual(p.focused(), ["verdict"]);
  p.checkerAnswers();
  assert.equal(p.state.form.source, "checker");
});

test("Change before the checker confirms: its answer arrives quietly and the edit stays", () => {
  const p = page().runtime("loading").send({ type: "link", query: COMPLETE });
  assert.equal(p.state.form.source, "table");
  p.send({ type: "change", field: "purchase_date" });
  assert.deepEqual(p.focused(), ["verdict", "question:purchase_date"]);
  p.answer("purchase_date=2025-01-01");
  p.runtime("ready").checkerAnswers();
  assert.equal(p.state.checks, 1, "the checker answered");
  assert.equal(p.state.form.view, "questions", "the visitor was not pulled back to the result");
  assert.equal(p.state.answers.answers.purchase_date, "2025-01-01", "the edit was kept");
  assert.deepEqual(p.focused(), []);
  assert.equal(busy(p.state), false);
  // Pressed now, the edited answers are judged.
  p.send({ type: "press" });
  assert.equal(p.taken("ask-checker").at(-1).query.includes("purchase_date=2025-01-01"), true);
});

test("a link, then an edit, then a press judges the answers as edited, in a new history entry", () => {
  const p = page().runtime("loading").runtime("ready").send({ type: "link", query: COMPLETE });
  p.checkerAnswers();
  p.taken("write-address");
  p.send({ type: "change", field: "purchase_type" }).answer("purchase_type=subscription");
  p.send({ type: "press" });
  const [asked] = p.taken("ask-checker").slice(-1);
  assert.match(asked.query, /purchase_type=subscription/);
  const [written] = p.taken("write-address");
  assert.equal(written.push, true);
  assert.match(written.query, /purchase_type=subscription/);
});

test("offline after the page loaded: the quick answer and its email, then one message with a retry", () => {
  const p = page().answer(COMPLETE).send({ type: "press" });
  assert.deepEqual(p.taken("start-runtime"), [{ type: "start-runtime", waiting: true }]);
  assert.equal(p.state.form.view, "result");
  assert.ok(p.state.form.result.email.mailto.startsWith("mailto:"));
  p.runtime("offline", "no byte arrived");
  assert.deepEqual(failureMessage(p.state), { why: "why_offline", then: "from_table_only", retry: true });
  assert.equal(p.state.form.view, "result", "the answer stays");
  assert.deepEqual(p.focused(), ["verdict"], "the failure did not move the visitor");
  assert.equal(p.state.said.key, "failure");
  assert.equal(p.state.said.visible, false, "heard, not shown a second time");
  p.send({ type: "retry" });
  assert.deepEqual(p.taken("start-runtime"), [{ type: "start-runtime", waiting: true }]);
  assert.deepEqual(p.focused(), ["verdict"], "focus stays on something with a name");
  p.runtime("loading").runtime("ready").checkerAnswers();
  assert.equal(p.state.form.source, "checker");
});

test("a stalled download while the visitor waits: one message, focus on it, and Try again works", () => {
  const p = page({ hasTable: false }).runtime("loading").answer(COMPLETE).send({ type: "press" });
  assert.equal(busy(p.state), true, "the button says it is checking");
  assert.equal(p.state.said.key, "queued");
  p.runtime("stalled", "no byte arrived within 2500 ms");
  assert.equal(busy(p.state), false, "nothing spins beside an error");
  assert.deepEqual(failureMessage(p.state), { why: "why_stalled", then: "", retry: true });
  assert.deepEqual(p.focused(), ["message"]);
  p.send({ type: "retry" });
  assert.deepEqual(p.focused(), ["submit"], "not an empty paragraph: the named button");
  assert.deepEqual(p.taken("start-runtime"), [{ type: "start-runtime", waiting: true }]);
  p.runtime("loading");
  assert.equal(busy(p.state), true);
  p.runtime("ready").checkerAnswers();
  assert.equal(p.state.form.view, "result");
  assert.deepEqual(p.focused(), ["verdict"]);
});

test("without WebAssembly: one message without jargon, no retry, and the quick answer complete", () => {
  const p = page().runtime("no_wasm", "WebAssembly is not available");
  assert.deepEqual(failureMessage(p.state), { why: "why_no_wasm", then: "", retry: false });
  p.send({ type: "retry" });
  assert.deepEqual(p.taken("start-runtime"), [], "nothing to try again");
  p.answer(COMPLETE).send({ type: "press" });
  assert.deepEqual(p.taken("start-runtime"), [], "the runtime is never asked for");
  assert.equal(p.state.form.view, "result");
  assert.equal(p.state.form.source, "table");
  assert.deepEqual(failureMessage(p.state), { why: "no_wasm_answered", then: "", retry: false });
  assert.equal(busy(p.state), false);
});

test("a second link in the same tab clears the first link's result before its own arrives", () => {
  const slow = (query, source) => (query.includes("subscription") ? null : fakeTable(query, source));
  const p = page({ table: slow }).runtime("loading").send({ type: "link", query: COMPLETE });
  assert.equal(p.state.form.view, "result");
  const second = COMPLETE.replace("credit_pack", "subscription");
  p.send({ type: "link", query: second });
  assert.equal(p.state.form.result, null, "the first link's result is gone");
  assert.equal(p.state.form.view, "questions");
  assert.equal(p.state.answers.answers.purchase_type, "subscription");
  assert.equal(busy(p.state), true);
  p.runtime("ready").checkerAnswers();
  assert.equal(p.state.form.result.answers.purchase_type, "subscription");
});

test("a link with an answer the self-check cannot use ends in that question's error", () => {
  const p = page().runtime("no_wasm");
  p.send({ type: "link", query: "purchase_date=2026-12-01&purchase_type=bogus" });
  assert.equal(p.state.answers.answers.purchase_type, undefined, "the form cannot show it");
  assert.deepEqual(p.state.form.errors.map((error) => error.field), ["purchase_type"]);
  assert.equal(p.state.form.view, "questions");
  assert.ok(p.focused().includes("errors"));
});

test("with the checker there, the same link waits for the checker's own words", () => {
  const p = page().runtime("loading").runtime("ready");
  p.send({ type: "link", query: "purchase_date=2026-12-01&purchase_type=bogus" });
  assert.equal(p.state.form.errors, null);
  p.checkerAnswers({ errors: [{ field: "purchase_type", message: "“bogus” is not an answer." }] });
  assert.equal(p.state.form.errors[0].message, "“bogus” is not an answer.");
});

test("an answer on its way is dropped after Start again or Back", () => {
  for (const leave of [{ type: "start-again" }, { type: "back", answers: initialState({ questions: QUESTIONS, supportFields: [], hasTable: true }).answers, fragment: null }]) {
    const p = page({ hasTable: false }).runtime("ready").answer(COMPLETE).send({ type: "press" });
    p.send(leave);
    p.checkerAnswers();
    assert.equal(p.state.form.view, "questions", leave.type);
    assert.equal(p.state.form.result, null, leave.type);
    assert.equal(p.state.checks, 0, "a stale answer is not counted");
  }
});

test("the checker failing while it checks leaves the answers to check after a retry", () => {
  const p = page({ hasTable: false }).runtime("ready").answer(COMPLETE).send({ type: "press" });
  const [asked] = p.taken("ask-checker");
  p.send({ type: "checker-lost", run: asked.run }).runtime("failed", "the worker failed");
  p.send({ type: "retry" }).runtime("loading").runtime("ready");
  const [again] = p.taken("ask-checker");
  assert.equal(again.query, asked.query);
});

test("a new question the answers bring in is said once, and the download's quarters are heard", () => {
  const conditional = [...QUESTIONS, {
    field: "outputs_used", kind: "yes_no", choices: ["true", "false"], fallback: null,
    shownWhen: { purchase_type: ["subscription"] },
  }];
  let state = initialState({ questions: conditional, supportFields: [], hasTable: true });
  state = transition(state, { type: "answer", field: "purchase_type", value: "subscription" }).state;
  assert.deepEqual(state.said.fields, ["outputs_used"]);
  const n = state.said.n;
  state = transition(state, { type: "answer", field: "purchase_date", value: "2026-12-01" }).state;
  assert.equal(state.said.n, n, "nothing new, nothing said");
  state = transition(state, { type: "runtime", status: "loading" }).state;
  const heard = [];
  for (const received of [10, 30, 40, 55, 80, 99, 100]) {
    state = transition(state, { type: "progress", progress: { received, total: 100 } }).state;
    if (state.said.n !== heard.at(-1)?.n) heard.push(state.said);
  }
  assert.deepEqual(heard.filter((said) => said.key === "progress").length, 3);
  assert.ok(heard.every((said) => said.key !== "progress" || said.visible === false));
});

test("answers only the checker can judge, pressed while it loads: the visitor is told they wait", () => {
  const p = page({ table: () => null }).runtime("loading").answer(COMPLETE).send({ type: "press" });
  assert.equal(busy(p.state), true);
  assert.equal(p.state.said.key, "queued");
  assert.equal(p.state.said.visible, true, "beside the busy button");
  p.runtime("ready");
  assert.equal(p.state.said, null, "no loading words once it has loaded");
  p.checkerAnswers();
  assert.equal(p.state.form.view, "result");
});
