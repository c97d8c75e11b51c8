// eslint over every JavaScript module of the repository (scripts/check, `npm run lint:js`):
// the page's modules (web/static/js/, browser globals; the KDF worker, worker globals)
// and the Node tests (web/tests-js/, Node globals). no-undef and the local rule below
// catch a statement lost in a comment (issue 14: "deposits is not defined"); no-undef
// also a name used out of its scope.
// The vendored libraries (web/static/vendor/, built by scripts/install-js) are not ours.
import js from "@eslint/js";
import globals from "globals";

// A statement glued onto the end of a `//` comment (an editor joined two lines) is
// silently dropped; no-undef sees it only when a later line uses a name it declared.
// This flags a line comment whose prose is followed, after a run of spaces, by
// something shaped like a statement. Indented code examples in comments (`//   x();`)
// are prose-free and pass.
const STATEMENT_AFTER_PROSE =
  /\S {2,}(?:(?:const|let|var|return|await|throw|if|for|while|export|import)\b|[\w$.[\]]+\s*(?:\(.*\)|=[^=].*);\s*$)/;

const local = {
  rules: {
    "no-statement-in-comment": {
      meta: {
        type: "problem",
        docs: { description: "a statement hidden at the end of a line comment" },
        messages: { hidden: "This comment ends with what looks like code: put the statement on its own line." },
        schema: [],
      },
      create(context) {
        return {
          Program() {
            for (const comment of context.sourceCode.getAllComments()) {
              if (comment.type === "Line" && STATEMENT_AFTER_PROSE.test(comment.value.trim())) {
                context.report({ loc: comment.loc, messageId: "hidden" });
              }
            }
          },
        };
      },
    },
  },
};

export default [
  {
    ignores: ["node_modules/**", "web/static/vendor/**", ".venv/**", "build/**", "dist/**", "test-artifacts/**"],
  },
  js.configs.recommended,
  {
    linterOptions: {
      reportUnusedDisableDirectives: "error",
    },
    plugins: { local },
    rules: {
      "local/no-statement-in-comment": "error",
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
