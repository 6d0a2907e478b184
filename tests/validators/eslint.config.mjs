// ESLint for the browser code (./run lint): the widget's ES modules, the worker, the theme's
// script and the Node tests of the pure modules. The recommended rules, and the globals of each
// place the code runs.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["policy_site/shipping/assets/**/*.js", "policy_site/shipping/assets/**/*.mjs", "overrides/assets/**/*.js"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["policy_site/shipping/assets/policy-check/worker.js"],
    languageOptions: { globals: { ...globals.worker } },
  },
  {
    files: ["overrides/assets/**/*.js"],
    // Material's own inline script defines its storage helpers before this one runs.
    languageOptions: { sourceType: "script", globals: { __md_get: "readonly", __md_set: "readonly" } },
  },
  {
    files: ["policy_site/shipping/build_in_node/**/*.mjs", "tests/js/**/*.mjs"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
  },
];
