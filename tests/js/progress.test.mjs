// The download's progress in words and quarters (policy_site/shipping/assets/policy-check/progress.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { megabytes, progressWords, quarter } from "../../policy_site/shipping/assets/policy-check/progress.js";

const TEMPLATE = "Getting the self-check ready: {received} of {total} MB";

test("megabytes have one decimal, and something under 0.1 MB is not called 0.0", () => {
  assert.equal(megabytes(1_234_567), "1.2");
  assert.equal(megabytes(3_870_000), "3.9");
  assert.equal(megabytes(20_000), "0.1");
  assert.equal(megabytes(0), "0.0");
});

test("the words say how much of the whole has arrived, then that it is starting", () => {
  const words = progressWords({ received: 1_200_000, total: 3_900_000 }, TEMPLATE, "starting");
  assert.equal(words, "Getting the self-check ready: 1.2 of 3.9 MB");
  assert.equal(progressWords({ received: 3_900_000, total: 3_900_000 }, TEMPLATE, "starting"), "starting");
  assert.equal(progressWords(null, TEMPLATE, "starting"), "");
});

test("each quarter is reached once, in order", () => {
  const total = 4_000_000;
  const quarters = [0, 999_999, 1_000_000, 2_500_000, 3_999_999, 4_000_000].map((received) =>
    quarter({ received, total }),
  );
  assert.deepEqual(quarters, [0, 0, 1, 2, 3, 4]);
  assert.equal(quarter(null), 0);
});
