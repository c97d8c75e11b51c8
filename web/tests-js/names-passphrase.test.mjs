// web/static/js/names.js and passphrase.js: a rename keeps the extension; the hint's
// example passphrase is refused however it is written (issue 14, item 7).
import { test } from "node:test";
import assert from "node:assert/strict";
import { baseName, extensionFor, shownName, withExtension } from "../static/js/names.js";
import { isExample, passphraseProblem } from "../static/js/passphrase.js";

test("a rename edits the words and keeps the type's extension", () => {
  assert.equal(extensionFor("application/pdf"), ".pdf");
  assert.equal(extensionFor("application/octet-stream", "bail.docx"), ".docx");
  assert.equal(baseName("Carte d'identité.jpg", "image/jpeg"), "Carte d'identité");
  assert.equal(baseName("Photo.JPEG", "image/jpeg"), "Photo");
  assert.equal(withExtension("CNI recto", "image/jpeg", "Carte d'identité.jpg"), "CNI recto.jpg");
  assert.equal(withExtension(" Facture.PDF ", "application/pdf"), "Facture.pdf");
  assert.equal(withExtension("Bail", "application/octet-stream", "bail.docx"), "Bail.docx");
  // A name that lost its extension before gets it back.
  assert.equal(withExtension("Attestation", "application/pdf", "Attestation"), "Attestation.pdf");
});

test("the hint's example is refused in any case, spacing, accents or punctuation", () => {
  const examples = ["blue bike Sunday market sun", "vélo bleu marché dimanche soleil"];
  for (const text of [
    "vélo bleu marché dimanche soleil",
    "VELO BLEU MARCHE DIMANCHE SOLEIL",
    "  vélo-bleu, marché dimanche   soleil. ",
    "Blue bike sunday market sun",
  ]) {
    assert.equal(isExample(text, examples), true, text);
  }
  assert.equal(isExample("vélo bleu marché dimanche pluie", examples), false);
  const S = { passphrase_short: "short", passphrase_example: "example", passphrase_mismatch: "mismatch" };
  assert.equal(passphraseProblem("trop court", "trop court", S, examples), "short");
  assert.equal(passphraseProblem("Vélo bleu marché dimanche soleil", "Vélo bleu marché dimanche soleil", S, examples), "example");
  assert.equal(passphraseProblem("girafe orange tram lundi", "girafe orange tram mardi", S, examples), "mismatch");
  assert.equal(passphraseProblem("girafe orange tram lundi", "girafe orange tram lundi", S, examples), "");
});

test("a person reads a document's name without its extension (issue 18)", () => {
  assert.equal(shownName({ name: "Carte d'identité.jpg", mime: "image/jpeg" }), "Carte d'identité");
  assert.equal(shownName({ name: "Avis.2025.pdf", mime: "application/pdf" }), "Avis.2025");
  assert.equal(shownName({ name: "Facture EDF.PDF", mime: "application/pdf" }), "Facture EDF");
  assert.equal(shownName({ name: "Attestation", mime: "application/pdf" }), "Attestation");
  assert.equal(shownName({ name: "Avis.2025", mime: "application/pdf" }), "Avis.2025");
});
