// eslint over every JavaScript module of the repository (scripts/check, `npm run lint:js`):
// the page's modules (web/static/js/, browser globals; the KDF worker, worker globals)
// and the Node tests (web/tests-js/, Node globals). no-undef is what catches a statement
// lost in a comment or a name used out of its scope (issue 14: "deposits is not defined").
// The vendored libraries (web/static/vendor/, built by scripts/install-js) are not ours.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: ["node_modules/**", "web/static/vendor/**", ".venv/**", "build/**", "dist/**", "test-artifacts/**"],
  },
  js.configs.recommended,
  {
    linterOptions: {
      reportUnusedDisableDirectives: "error",
    },
    rules: {
      // An unused name is often the half of a mistake (a result computed and never shown).
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none", ignoreRestSiblings: true }],
      "no-implicit-globals": "error",
      "no-shadow-restricted-names": "error",
      // Only a use in the same scope before the definition (a TDZ error when it runs).
      "no-use-before-define": ["error", { functions: false, classes: false, variables: false }],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["web/static/js/**/*.js"],
    ignores: ["web/static/js/kdf-worker.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
  },
  {
    // A module Web Worker: no window, no document.
    files: ["web/static/js/kdf-worker.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.worker },
    },
  },
  {
    files: ["web/tests-js/**/*.mjs", "eslint.config.js", "scripts/**/*.mjs", "scripts/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
  },
];
