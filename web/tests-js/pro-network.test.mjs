// The professional's network screens, their pure parts (pro-relays.js, pro-relay-notes.js):
// a relay's state in one sentence for each state and closing reason, and the note's text
// made acceptable to SPEC §29.2 before it is sealed (relay-note.js readNoteText agrees).
import { test } from "node:test";
import assert from "node:assert/strict";

globalThis.document = { documentElement: { lang: "fr", dataset: { timeZone: "Europe/Paris" } } };
const { relayStateText, idOf, nameOf, purposeLabel } = await import("../static/js/pro-relays.js");
const { noteText } = await import("../static/js/pro-relay-notes.js");
const { readNoteText } = await import("../static/js/relay-note.js");

const S = {
  someone: "Quelqu'un",
  pro_relay_waiting_person: "attend la personne",
  pro_relay_waiting_take: "attend la structure",
  pro_relay_taken: "pris par {professional} le {date}",
  pro_relay_taken_plain: "pris",
  pro_relay_declined: "refusé : {reason}",
  pro_relay_declined_plain: "refusé",
  pro_relay_expired: "expiré",
  pro_relay_closed: "fermé",
  pro_relay_closed_refused: "la personne a refusé",
  pro_relay_closed_orienting: "arrêté par l'orienteur",
  pro_relay_closed_person: "arrêté par la personne",
  pro_relay_closed_done: "terminé",
};

test("each state of a relay reads as one sentence", () => {
  assert.equal(relayStateText(S, { state: "proposed", agreed_at: null }), "attend la personne");
  assert.equal(relayStateText(S, { state: "proposed", agreed_at: "2026-12-05T10:00:00Z" }), "attend la structure");
  const taker = { id: "b".repeat(32), name: "Mme Lefèvre" };
  assert.equal(relayStateText(S, { state: "taken", taker, taken_at: "2026-12-05T23:30:00Z" }), "pris par Mme Lefèvre le 06/12/2026");
  assert.equal(relayStateText(S, { state: "taken" }), "pris"); // a summary without the taker
  assert.equal(relayStateText(S, { state: "declined", decline_reason: "hors secteur" }), "refusé : hors secteur");
  assert.equal(relayStateText(S, { state: "declined", decline_reason: null }), "refusé");
  assert.equal(relayStateText(S, { state: "expired" }), "expiré");
  for (const [reason, words] of [
    ["person_refused", "la personne a refusé"],
    ["ended_by_orienting", "arrêté par l'orienteur"],
    ["ended_by_person", "arrêté par la personne"],
    ["done", "terminé"],
    [null, "fermé"],
  ]) {
    assert.equal(relayStateText(S, { state: "closed", close_reason: reason }), words);
  }
});

test("references read as ids, names and purposes whatever their shape", () => {
  assert.equal(idOf({ id: "a".repeat(32), name: "x" }), "a".repeat(32));
  assert.equal(idOf("c".repeat(32)), "c".repeat(32));
  assert.equal(idOf(null), "");
  assert.equal(nameOf({ name: "CAF" }), "CAF");
  assert.equal(nameOf(null, "—"), "—");
  assert.equal(purposeLabel({ code: "rsa", label: "RSA" }), "RSA");
  assert.equal(purposeLabel("rsa", new Map([["rsa", "Ouverture de droits au RSA"]])), "Ouverture de droits au RSA");
  assert.equal(purposeLabel("inconnu"), "inconnu");
});

test("a note typed or pasted in the page becomes a text SPEC §29.2 accepts", () => {
  const typed = "Bonjour,\r\nil préfère\tl'après-midi.\u0007\rMerci\u007f 🙂";
  const clean = noteText(typed);
  assert.equal(clean, "Bonjour,\nil préfère l'après-midi.\nMerci 🙂");
  assert.equal(readNoteText(clean), clean);
  assert.throws(() => readNoteText(typed)); // the raw text would be refused by the sealer
});
