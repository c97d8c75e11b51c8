// @ts-check
// A purpose of the charter as a person reads it (issue 18): its everyday name first
// ("Demander le RSA"), a one-line example with the acronyms spelled out ("Pour demander
// le RSA (revenu de solidarité active) à la CAF…"), and the official label, smaller,
// beside them (charter keys nom_courant, exemple, libelle: docs/CHARTER.md). A charter
// without the optional keys shows its official label as before.
import { choice, el } from "./consent-common.js";

/**
 * @typedef {object} PurposeWords
 * @property {string} code
 * @property {string} label the official label (libelle)
 * @property {string} [description]
 * @property {string | null} [everyday_name]
 * @property {string | null} [example]
 */

/**
 * The name a person reads first: the everyday name, else the official label.
 * @param {PurposeWords} purpose
 */
export function purposeName(purpose) {
  return purpose.everyday_name || purpose.label;
}

/**
 * The purpose `code` in `charter` (GET /charters/current), or null.
 * @param {{purposes?: PurposeWords[]} | null | undefined} charter
 * @param {string} code
 * @returns {PurposeWords | null}
 */
export function purposeByCode(charter, code) {
  return charter?.purposes?.find((purpose) => purpose.code === code) || null;
}

/**
 * The name of the purpose `code` for a sentence: its everyday name when the charter
 * gives one, else `fallback` (the label the server sent), else the code.
 * @param {{purposes?: PurposeWords[]} | null | undefined} charter
 * @param {string} code
 * @param {string} [fallback]
 */
export function purposeNameOf(charter, code, fallback) {
  const purpose = purposeByCode(charter, code);
  return purpose ? purposeName(purpose) : fallback || code;
}

/**
 * The small lines under a purpose's name: the example, and the official label when the
 * name is not already it. Empty when the charter has neither.
 * @param {PurposeWords | null} purpose
 * @returns {HTMLElement[]}
 */
export function purposeDetails(purpose) {
  if (!purpose) return [];
  /** @type {HTMLElement[]} */
  const lines = [];
  if (purpose.example) lines.push(el("span", { className: "purpose-example", text: purpose.example }));
  if (purpose.everyday_name && purpose.everyday_name !== purpose.label) {
    lines.push(el("span", { className: "purpose-official", text: purpose.label }));
  }
  return lines;
}

/**
 * A purpose to choose (the share's "Pour quelle démarche ?"): the everyday name in big,
 * under it the example, then the official label smaller; the description when the
 * charter has no example.
 * @param {PurposeWords} purpose
 */
export function purposeChoice(purpose) {
  const item = choice("purpose", purpose.code, purposeName(purpose), purpose.example ? "" : purpose.description || "", false);
  const label = item.querySelector("label");
  const details = purposeDetails(purpose);
  if (label) label.append(...details);
  return item;
}

/**
 * A paragraph naming the purpose `code` in a list (a share, a request): `sentence` of its
 * name ("Pour « Demander le RSA »"), then the example and the official label, smaller.
 * Without the purpose in `charter`, the sentence of `fallback` (the server's label).
 * @param {{purposes?: PurposeWords[]} | null | undefined} charter
 * @param {string} code
 * @param {string | undefined} fallback
 * @param {(name: string) => string} sentence
 */
export function purposeParagraph(charter, code, fallback, sentence) {
  const purpose = purposeByCode(charter, code);
  const name = purpose ? purposeName(purpose) : fallback || code;
  return el("p", { className: "purpose" }, el("span", { className: "purpose-name", text: sentence(name) }), ...purposeDetails(purpose));
}

/**
 * Load the charter (GET /charters/current) once, when `items` (shares, requests, history
 * lines) name a purpose and the page does not have it yet: only then is there a name to
 * find, and a vault with nothing shared asks nothing (no charter may be published yet).
 * A failure leaves the labels the server sent.
 * @param {any} P the person's page helpers (consent-person.js: charter, loadCharter)
 * @param {ReadonlyArray<{purpose?: string | null}>} items
 */
export async function withPurposes(P, items) {
  if (P.charter() || !items.some((item) => item.purpose)) return;
  await P.loadCharter().catch(() => null);
}
