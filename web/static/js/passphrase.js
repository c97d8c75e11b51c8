// @ts-check
// What a new passphrase must be, checked in the page (the server never sees it: only a
// key derived from it). At least 4 words or 16 signs, and not the example the sign-up
// hint gives (web/strings.py PASSPHRASE_EXAMPLE): everyone who read the page knows it,
// in any case, spacing, accents or punctuation. Under each new passphrase, a strength
// meter informs (passphrase-meter.js, imported when such a field is first focused).

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

/** The new-passphrase fields that get a strength meter. */
export const NEW_PASSPHRASE = 'input[name="passphrase"][autocomplete="new-password"]';

/**
 * Give each new-passphrase field of the page a strength meter when it gets the focus
 * (passphrase-meter.js and zxcvbn-ts are fetched then, never before).
 * @param {{S: Record<string, string>, CONFIG: Record<string, any>, loadScript?: unknown}} page
 *   (`loadScript` is not needed: the meter's worker loads zxcvbn-ts itself)
 */
export function watchNewPassphrases({ S, CONFIG }) {
  document.addEventListener("focusin", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(NEW_PASSPHRASE) || input.dataset.meter) return;
    import("./passphrase-meter.js")
      .then(({ attachMeter }) =>
        attachMeter(input, {
          S,
          urls: Array.isArray(CONFIG.zxcvbn) ? CONFIG.zxcvbn.map(String) : [],
          known: Array.isArray(CONFIG.passphraseExamples) ? CONFIG.passphraseExamples.map(String) : [],
        }),
      )
      .catch(() => {}); // no meter (the network): the minimum rule still applies
  });
}
