// @ts-check
// The API docs page (/docs, web/pages/api_docs.py): starts the vendored Swagger UI on
// the schema the server publishes (/openapi.json). No inline script: the page's CSP
// (api/security_headers.py) applies here as everywhere. Nothing is fetched from
// elsewhere: no online validator badge, no remote configuration.

/** @typedef {{ presets: { apis: unknown }, SwaggerUIStandalonePreset?: unknown }} SwaggerStatics */
/** @typedef {((options: Record<string, unknown>) => unknown) & SwaggerStatics} SwaggerUIBundle */

function start() {
  const root = document.getElementById("swagger-ui");
  /** @type {SwaggerUIBundle | undefined} */
  const SwaggerUI = /** @type {any} */ (globalThis).SwaggerUIBundle;
  if (!root || !SwaggerUI) return;
  SwaggerUI({
    url: root.dataset.openapiUrl || "/openapi.json",
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUI.presets.apis],
    layout: "BaseLayout",
    // The default shows a badge loaded from validator.swagger.io: nothing leaves the origin.
    validatorUrl: null,
    // Partners read the schema; trying a call needs a session token of their own.
    tryItOutEnabled: false,
  });
}

start();
