// web/static/js/http.js `messageFor`: the person reads the server's message (French,
// api/errors.py) or the page's own words, never a script's or the browser's English
// text (issue 14, item 7's class: "deposits is not defined", "Failed to fetch").
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, ShownError, messageFor, request } from "../static/js/http.js";

const FALLBACK = "Cela n'a pas marché.";
const NETWORK = "Pas de connexion. Vérifiez le réseau et réessayez.";

test("an API error keeps the server's message", () => {
  const error = new ApiError(404, "document_not_found", "Ce document n'existe pas ou plus.");
  assert.equal(messageFor(error, FALLBACK), "Ce document n'existe pas ou plus.");
  assert.equal(messageFor(new ShownError("Le filigrane n'a pas pu être posé."), FALLBACK), "Le filigrane n'a pas pu être posé.");
});

test("a script error, a crypto exception or a bare value gives the fallback", () => {
  for (const error of [
    new TypeError("Failed to fetch"),
    new ReferenceError("deposits is not defined"),
    new Error("sha256 mismatch"),
    new ApiError(0, "network_error", ""),
    "text",
    undefined,
    null,
  ]) {
    assert.equal(messageFor(error, FALLBACK), FALLBACK, String(error));
  }
});

/**
 * `request` with the browser's fetch replaced for one call.
 * @param {() => Promise<Response>} fetcher
 */
async function requestWith(fetcher) {
  const saved = globalThis.fetch;
  globalThis.fetch = fetcher;
  try {
    await request("GET", "/me", {}, NETWORK);
  } catch (error) {
    return error;
  } finally {
    globalThis.fetch = saved;
  }
  assert.fail("the request did not fail");
}

test("a fetch that fails at the network level reads as the page's network message", async () => {
  const error = await requestWith(() => Promise.reject(new TypeError("Failed to fetch")));
  assert.equal(messageFor(error, FALLBACK), NETWORK);
});

test("an answer that is not the API's error shape (a proxy's 502 page) gives the fallback", async () => {
  const error = await requestWith(() => Promise.resolve(new Response("<html>Bad Gateway</html>", { status: 502 })));
  assert.equal(error.status, 502);
  assert.equal(messageFor(error, FALLBACK), FALLBACK);
});

test("an answer in the API's error shape keeps its message", async () => {
  const body = JSON.stringify({ error: { code: "grant_not_found", message: "Ce partage n'existe pas ou plus." } });
  const error = await requestWith(() => Promise.resolve(new Response(body, { status: 404 })));
  assert.equal(messageFor(error, FALLBACK), "Ce partage n'existe pas ou plus.");
});
