/**
 * What these pages use of Material's script bundle, which they do not load (overrides/main.html):
 *
 * - the "js" class on <html> in place of "no-js" (the stylesheets show the self-check's form only
 *   when scripts run);
 * - the light/dark switch: the palette option the visitor chose (kept where Material keeps it, so
 *   Material's inline script in <head> applies it before the first paint), or else the one whose
 *   media query matches the system's scheme;
 * - the phone's navigation drawer closing when one of its links leads elsewhere on this page.
 */
(() => {
  const root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  // Material's helpers from its inline script (partials/javascripts/base.html), if present.
  const load = (key) => {
    try {
      return typeof __md_get === "function" ? __md_get(key) : null;
    } catch {
      return null;
    }
  };
  const save = (key, value) => {
    if (typeof __md_set === "function") __md_set(key, value);
  };

  const inputs = [...document.querySelectorAll('[data-md-component="palette"] input.md-option')];
  const KEYS = ["media", "scheme", "primary", "accent"];

  function choose(index, remember) {
    const input = inputs[index];
    input.checked = true;
    // Colours change at once, not through the theme's 125 ms transitions (Material's stylesheet
    // turns them off while this attribute is set): no frame shows light text on light.
    document.body.setAttribute("data-md-color-switching", "");
    requestAnimationFrame(() =>
      requestAnimationFrame(() => document.body.removeAttribute("data-md-color-switching")),
    );
    const color = {};
    for (const key of KEYS) {
      color[key] = input.getAttribute(`data-md-color-${key}`);
      document.body.setAttribute(`data-md-color-${key}`, color[key]);
    }
    // Each option's label is the button to the next option: show the chosen option's only.
    inputs.forEach((each, at) => {
      const label = each.nextElementSibling;
      if (label instanceof HTMLElement) label.hidden = at !== index;
    });
    if (remember) save("__palette", { index, color });
  }

  if (inputs.length > 0) {
    const stored = load("__palette");
    let index = stored && Number.isInteger(stored.index) ? stored.index : -1;
    if (index < 0 || index >= inputs.length) {
      index = Math.max(
        0,
        inputs.findIndex((input) => matchMedia(input.getAttribute("data-md-color-media")).matches),
      );
    }
    choose(index, false);
    inputs.forEach((input, at) => {
      input.addEventListener("change", () => choose(at, true));
      input.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        const next = inputs[(at + 1) % inputs.length];
        next.click();
        next.focus();
      });
    });
  }

  const drawer = document.getElementById("__drawer");
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest(".md-sidebar a[href]") : null;
    if (!link || !drawer) return;
    const to = new URL(link.href, location.href);
    if (to.pathname === location.pathname && to.hash) drawer.checked = false;
  });
})();
