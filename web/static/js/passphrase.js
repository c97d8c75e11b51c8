// @ts-check
// What a new passphrase must be, checked in the page (the server never sees it: only a
// key derived from it). At least 4 words or 16 signs, and not the example the sign-up
// hint gives (web/strings.py PASSPHRASE_EXAMPLE): everyone who read the page knows it,
// in any case, spacing, accents or punctuation.

/**
 * The words of `text` only: lower case, accents and everything but letters and digits
 * dropped ("Vélo  BLEU, marché…" and "velobleumarche…" are the same).
 * @param {string} text
 */
export function squeezed(text) {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/**
 * Whether `text` is one of the page's example passphrases (or the same words written otherwise).
 * @param {string} text
 * @param {string[]} examples
 */
export function isExample(text, examples) {
  const words = squeezed(text);
  return examples.some((example) => squeezed(example) === words);
}

/** @param {string} text */
function longEnough(text) {
  return text.trim().split(/\s+/).length >= 4 || text.length >= 16;
}

/**
 * The reason a new passphrase is refused, as a text of `S`, or "" when it will do.
 * @param {string} passphrase
 * @param {string} confirm
 * @param {Record<string, string>} S the page's strings
 * @param {string[]} examples CONFIG.passphraseExamples
 */
export function passphraseProblem(passphrase, confirm, S, examples) {
  if (!longEnough(passphrase)) return S.passphrase_short;
  if (isExample(passphrase, examples)) return S.passphrase_example;
  if (passphrase !== confirm) return S.passphrase_mismatch;
  return "";
}
