// @ts-check
// "Écouter" (issue 18): every screen of the vault page has a button (vault/_screen.html)
// that reads the screen's visible text aloud with the browser's speech synthesis, in the
// page's language (<html lang>), for a person who reads little or not this language well.
// A second press stops. Nothing leaves the phone: speechSynthesis speaks on the device.
//
// What is read: the text a sighted person sees on the screen, block by block (headings,
// paragraphs, labels, buttons, list items), never what a form holds (a passphrase typed,
// a code being entered) nor the recovery code (a secret: said aloud, it could be heard).
// When the phone has no voice for the page's language, the page says so and the button
// is disabled: a voice of another language would read French words as nonsense.

/** Elements whose text is never read: what the person types, the codes of a kit (the
 * recovery code is a secret: said aloud, it could be heard), the button itself. */
const SKIPPED = "input, textarea, select, script, style, template, svg, .kit-code, .kit-qr, [data-listen-skip], [data-action=listen]";
/** Elements that end a block: what is read after them is a new utterance. */
const BLOCKS = new Set(["P", "H1", "H2", "H3", "LI", "LABEL", "LEGEND", "BUTTON", "A", "DT", "DD", "DIV", "SECTION", "FIELDSET", "FORM", "UL", "OL", "DL", "PROGRESS", "TR", "TD", "TH", "TIME"]);

/**
 * The primary language subtag of a BCP 47 tag, lower case ("fa-AF" → "fa").
 * @param {string} tag
 */
function primary(tag) {
  return tag.toLowerCase().split(/[-_]/)[0];
}

/**
 * The voice for `lang` among `voices`: the same tag first ("fr-FR" for "fr-FR"), else
 * the same language ("fr-CA" for "fr"), a local one before a network one; null if none.
 * @param {ReadonlyArray<SpeechSynthesisVoice>} voices
 * @param {string} lang
 * @returns {SpeechSynthesisVoice | null}
 */
export function voiceFor(voices, lang) {
  const wanted = lang.toLowerCase().replace("_", "-");
  const same = voices.filter((voice) => primary(voice.lang || "") === primary(wanted));
  if (!same.length) return null;
  const rank = (/** @type {SpeechSynthesisVoice} */ voice) =>
    (voice.lang.toLowerCase().replace("_", "-") === wanted ? 0 : 2) + (voice.localService ? 0 : 1);
  return [...same].sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * Whether `element` is shown (not hidden by an attribute, by CSS or by aria-hidden).
 * @param {Element} element
 */
function shown(element) {
  if (element.closest("[hidden], [aria-hidden=true]")) return false;
  const html = /** @type {HTMLElement} */ (element);
  if (typeof html.checkVisibility === "function") return html.checkVisibility({ visibilityProperty: true });
  return html.getClientRects().length > 0;
}

/**
 * The visible text of `root`, one string per block, in reading order.
 * @param {Element} root
 * @returns {string[]}
 */
export function visibleBlocks(root) {
  /** @type {string[]} */
  const blocks = [];
  let current = "";
  const flush = () => {
    const text = current.replace(/\s+/g, " ").trim();
    if (text) blocks.push(text);
    current = "";
  };
  /** @param {Node} node */
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      current += node.textContent || "";
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const element = /** @type {HTMLElement} */ (node);
    if (element.matches(SKIPPED) || !shown(element)) return;
    if (element.tagName === "IMG") {
      current += ` ${element.getAttribute("alt") || ""} `;
      return;
    }
    const block = BLOCKS.has(element.tagName);
    if (block) flush();
    for (const child of element.childNodes) walk(child);
    if (block) flush();
    else current += " ";
  };
  walk(root);
  flush();
  return blocks;
}

/**
 * @typedef {object} ListenOptions
 * @property {Record<string, string>} S the page's strings (listen_no_voice)
 * @property {(text: string) => void} say the page's status line
 * @property {Document} [doc]
 * @property {SpeechSynthesis | undefined} [synth] the browser's (window.speechSynthesis)
 */

/**
 * Wire every "Écouter" button of the page (buttons with data-action="listen" inside a
 * screen, hidden until the browser is known to have speech synthesis).
 * @param {ListenOptions} options
 */
export function wireListen({ S, say, doc = document, synth = window.speechSynthesis }) {
  const buttons = () => /** @type {HTMLButtonElement[]} */ ([...doc.querySelectorAll("button[data-action=listen]")]);
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return; // stays hidden
  /** @type {Element | null} the screen being read */
  let reading = null;
  let voices = synth.getVoices();
  let voicesKnown = voices.length > 0;
  synth.addEventListener?.("voiceschanged", () => {
    voices = synth.getVoices();
    voicesKnown = true;
  });

  const lang = () => doc.documentElement.lang || "fr";

  function stop() {
    reading = null;
    synth.cancel();
    for (const button of buttons()) button.setAttribute("aria-pressed", "false");
  }

  function noVoice() {
    for (const button of buttons()) {
      button.disabled = true;
      button.setAttribute("aria-pressed", "false");
    }
    say(S.listen_no_voice);
  }

  /** @param {HTMLButtonElement} button */
  async function start(button) {
    const screen = button.closest("[data-screen]");
    if (!screen) return;
    // Some phones list their voices only after a moment (the voiceschanged event).
    if (!voicesKnown) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      voices = synth.getVoices();
    }
    const voice = voiceFor(voices, lang());
    if (!voice) return noVoice();
    synth.cancel();
    reading = screen;
    button.setAttribute("aria-pressed", "true");
    const blocks = visibleBlocks(screen);
    blocks.forEach((text, index) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang();
      utterance.voice = voice;
      if (index === blocks.length - 1) {
        utterance.addEventListener("end", () => {
          if (reading === screen) stop();
        });
      }
      synth.speak(utterance);
    });
  }

  doc.addEventListener("click", (event) => {
    const target = /** @type {Element | null} */ (event.target instanceof Element ? event.target : null);
    const button = /** @type {HTMLButtonElement | null} */ (target?.closest("button[data-action=listen]") || null);
    if (!button || button.disabled) return;
    if (reading && button.getAttribute("aria-pressed") === "true") return stop();
    void start(button);
  });
  // Another screen shown, or the page left: the reading stops.
  const observer = new MutationObserver(() => {
    if (reading && /** @type {HTMLElement} */ (reading).hidden) stop();
  });
  for (const screen of doc.querySelectorAll("[data-screen]")) observer.observe(screen, { attributes: true, attributeFilter: ["hidden"] });
  window.addEventListener("pagehide", () => {
    if (reading) stop();
  });
  for (const button of buttons()) button.hidden = false;
  // Screens put in the page later (a professional's, app.js insertProScreens) get their
  // button shown and their reading stopped when hidden, like the others.
  const main = doc.getElementById("main");
  if (main) {
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (!(node instanceof Element)) continue;
          const screens = node.matches("[data-screen]") ? [node] : [...node.querySelectorAll("[data-screen]")];
          for (const screen of screens) {
            observer.observe(screen, { attributes: true, attributeFilter: ["hidden"] });
            for (const button of screen.querySelectorAll("button[data-action=listen]")) /** @type {HTMLButtonElement} */ (button).hidden = false;
          }
        }
      }
    }).observe(main, { childList: true });
  }
}
