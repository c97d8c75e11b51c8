// @ts-check
// zxcvbn-ts off the page's main thread (a classic Web Worker: the vendored browser
// builds are classic scripts, read with importScripts). Building its dictionaries takes
// about half a second on a laptop, several on a slow phone: here typing never waits.
// Protocol (passphrase-meter.js): {urls} once, then {id, text, known} ->
// {id, guessesLog10}; {error} when the library could not be loaded. Nothing is kept.

/** @type {{check: (text: string, known: string[]) => {guessesLog10: number}} | null} */
let factory = null;

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (Array.isArray(message.urls)) {
    try {
      /** @type {any} */ (self).importScripts(...message.urls.map(String));
      const z = /** @type {any} */ (self).zxcvbnts;
      const common = z["language-common"];
      factory = new z.core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...z["language-fr"].dictionary },
        graphs: common.adjacencyGraphs,
      });
      self.postMessage({ ready: true });
    } catch {
      self.postMessage({ error: "not loaded" });
    }
    return;
  }
  if (!factory) return;
  const known = Array.isArray(message.known) ? message.known.map(String) : [];
  self.postMessage({ id: message.id, guessesLog10: Number(factory.check(String(message.text), known).guessesLog10) });
});
