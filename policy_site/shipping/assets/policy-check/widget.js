// @ts-check
/**
 * The refund self-check in the page: every [data-policy-check] root the build made (see
 * policy_check.html) becomes one PolicyCheck (component.js), whose states and transitions are
 * machine.js's. The address belongs to the page, so this module hands its changes (a #check?
 * link typed or pasted, Back and Forward) to each self-check.
 *
 * Nothing the visitor enters leaves the page: the fragment (#check?...) is never sent to a
 * server, and the answers kept across a reload stay in this tab's history (history.state).
 *
 * Loaded as an ES module on every page (Material's script bundle, and with it its instant
 * navigation, is not loaded: overrides/main.html), and mounted once the page is parsed.
 */

import { PolicyCheck } from "./component.js";

function mount() {
  const checks = [];
  for (const root of document.querySelectorAll("[data-policy-check]")) {
    const check = PolicyCheck.init(/** @type {HTMLElement} */ (root));
    if (check) checks.push(check);
  }
  if (!checks.length) return;
  // An address typed or pasted fires hashchange; Back and Forward fire popstate.
  window.addEventListener("hashchange", () => {
    for (const check of checks) check.onAddressChange();
  });
  window.addEventListener("popstate", (event) => {
    for (const check of checks) check.onHistory(event);
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount, { once: true });
} else {
  mount();
}
