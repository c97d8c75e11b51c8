// @ts-check
// A meter under each new passphrase (sign-up, a new passphrase after "J'ai oublié",
// with a trusted contact, any `autocomplete="new-password"` field named "passphrase"):
// "Faible", "Moyenne" or "Solide", with one plain sentence of advice, and, on the
// person's request only, a few everyday words to build a passphrase from. It informs;
// the minimum rule (passphrase.js passphraseProblem) still decides what is accepted.
// Nothing is ever written in the field for the person: the words are shown, the person
// types what they choose (tests/web/test_nothing_chosen_for_the_person.py).
//
// The estimate is zxcvbn-ts (vendored by scripts/install-js: its core and the common
// and French dictionaries, ~550 KB gzipped together, the French dictionary alone ~300
// KB), loaded the first time such a field gets the focus (passphrase.js
// watchNewPassphrases imports this module then), never on the first visit of the home
// page, and run in a Web Worker (passphrase-meter-worker.js: building the dictionaries
// takes seconds on a slow phone, typing must not wait). zxcvbn's own score calls
// anything above 10^10 guesses strong (an online attack); a passphrase here can be
// attacked offline by whoever holds the server's data, at the Argon2id cost
// (crypto/SPEC.md §14.2), so the levels are set on its log10 guesses:
// Faible below 10^12, Moyenne below 10^14, Solide from 10^14. The page's example
// passphrases and the pseudonym are given to zxcvbn as known words: they count as weak.
// Nothing typed leaves the page or is kept.

/** Everyday French words the suggestion draws from: concrete, easy to spell, no accent (an
 * accent typed on one keyboard and not on another would be another passphrase). The
 * page's example (web/strings.py PASSPHRASE_EXAMPLE) shares none of them. */
export const EVERYDAY_WORDS = [
  "abeille abricot aiguille allumette ampoule ananas ancre anneau arbre armoire arrosoir",
  "artichaut assiette autobus avion avocat bague baignoire balai balcon baleine ballon",
  "banane banc baobab barque bassine bateau berger betterave beurre biberon bijou biscuit",
  "bocal bois boite bol bonbon bonnet botte bougie bouchon boulanger bouquet bourgeon",
  "bouteille bouton bracelet branche bretelle brioche brosse brouette buisson bureau",
  "cabane cactus cadeau cahier caillou camion canard caneton carotte carrosse cartable",
  "casquette casserole castor cerise chaise chameau champ chapeau charrette chat chateau",
  "chaussette chemin chemise cheval chevre chien chocolat chou ciseaux citron citrouille",
  "clocher clou coccinelle cochon colline collier concombre confiture coquelicot",
  "coquillage corbeau corde cornichon costume coton coude couette coussin couteau crabe",
  "craie cravate crayon crocodile cuisine cygne dauphin dentelle dinde domino dragon",
  "drapeau enveloppe escargot falaise farine fauteuil ferme fontaine foret fourchette",
  "fourmi fraise framboise fromage gant gateau girafe glace gomme gorille goutte grenier",
  "grenouille griffe guitare hamac hamster haricot herisson hibou hirondelle horloge huile",
  "igloo jardin jonquille journal jupe kangourou kiwi lampe lapin lavabo legume lezard",
  "limace lion livre loup lune lunettes luge maison manteau marmite marron masque melon",
  "miel miroir montagne mouchoir mouette moulin moustache mouton muguet mur myrtille nappe",
  "navet neige nid noisette nuage oignon oiseau olive orange oreiller ours palmier panier",
  "pantalon papillon parapluie pastille patate pelle perroquet phoque piano pigeon pinceau",
  "pingouin pirate piscine placard plage plante plume poire poireau poisson pomme pompier",
  "pont potager poule prairie prune puits pull puzzle radis raisin renard requin rideau",
  "robe robinet rocher rose roue ruche sable sabot salade sandale sapin saucisse savon",
  "serviette singe sirop soupe souris stylo sucre tablier tambour tapis tarte tasse taupe",
  "telephone tigre tiroir toboggan tomate tortue toupie tracteur train trampoline tricot",
  "trompette tulipe valise vache vague vase violon voilier volcan wagon yaourt",
].join(" ").split(" ");

/** Words in a suggestion: at least the minimum rule's 4, from ~290 words (about 33 bits). */
export const SUGGESTED_WORDS = 4;

/** log10(guesses) thresholds (see above). */
const MEDIUM_FROM = 12;
const STRONG_FROM = 14;

/** @typedef {"weak" | "medium" | "strong"} Level */

/**
 * The level of an estimate of log10(guesses).
 * @param {number} guessesLog10
 * @returns {Level}
 */
export function levelOf(guessesLog10) {
  if (guessesLog10 < MEDIUM_FROM) return "weak";
  return guessesLog10 < STRONG_FROM ? "medium" : "strong";
}

/**
 * `count` words drawn uniformly (rejection sampling on crypto.getRandomValues: no modulo bias).
 * @param {number} [count]
 * @param {string[]} [words]
 */
export function suggestWords(count = SUGGESTED_WORDS, words = EVERYDAY_WORDS) {
  const limit = Math.floor(0x100000000 / words.length) * words.length;
  const chosen = [];
  const one = new Uint32Array(1);
  while (chosen.length < count) {
    crypto.getRandomValues(one);
    if (one[0] < limit) chosen.push(words[one[0] % words.length]);
  }
  return chosen;
}

/** @type {Promise<(text: string, known: string[]) => Promise<number>> | null} */
let estimator = null;

/**
 * zxcvbn-ts with the common and French dictionaries, in a Web Worker made once
 * (passphrase-meter-worker.js): a function giving log10(guesses) of a text, `known`
 * words counting as the first guesses.
 * @param {string[]} urls the vendored core, common and French builds
 */
export function loadEstimator(urls) {
  estimator ||= new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./passphrase-meter-worker.js", import.meta.url));
    /** @type {Map<number, (value: number) => void>} */
    const waiting = new Map();
    let next = 0;
    worker.addEventListener("message", (event) => {
      const message = event.data || {};
      if (message.error) {
        worker.terminate();
        reject(new Error(message.error));
      } else if (message.ready) {
        resolve((text, known) => new Promise((answer) => {
          next += 1;
          waiting.set(next, answer);
          worker.postMessage({ id: next, text, known });
        }));
      } else if (waiting.has(message.id)) {
        /** @type {(value: number) => void} */ (waiting.get(message.id))(Number(message.guessesLog10));
        waiting.delete(message.id);
      }
    });
    worker.addEventListener("error", () => reject(new Error("worker failed")));
    worker.postMessage({ urls });
  });
  estimator.catch(() => {
    estimator = null; // not loaded (the network): the next focus tries again
  });
  return estimator;
}

const METER_VALUE = { weak: 1, medium: 2, strong: 3 };

/**
 * @typedef {object} MeterOptions
 * @property {Record<string, string>} S the page's strings (web/check_strings.py)
 * @property {string[]} urls the vendored zxcvbn-ts builds
 * @property {string[]} known words that count as weak (the page's examples)
 */

/**
 * The meter, the advice and the suggestion under `input` (made once per field).
 * @param {HTMLInputElement} input
 * @param {MeterOptions} options
 */
export function attachMeter(input, { S, urls, known }) {
  if (input.dataset.meter) return;
  input.dataset.meter = "on";
  const id = input.id || "passphrase";
  const box = document.createElement("div");
  box.className = "meter-box";
  box.id = `${id}-meter`;
  const meter = document.createElement("meter");
  Object.assign(meter, { min: 0, max: 3, low: 1.5, high: 2.5, optimum: 3, value: 0 });
  meter.setAttribute("aria-hidden", "true"); // the sentence below says the same, in words
  const said = document.createElement("p");
  said.id = `${id}-meter-text`;
  said.className = "meter-text";
  said.setAttribute("aria-live", "polite");
  const suggest = document.createElement("button");
  suggest.type = "button";
  suggest.className = "link";
  suggest.textContent = S.meter_suggest;
  const suggestion = document.createElement("p");
  suggestion.id = `${id}-suggestion`;
  suggestion.className = "hint";
  suggestion.setAttribute("aria-live", "polite");
  suggestion.hidden = true;
  meter.hidden = true;
  box.append(meter, said, suggest, suggestion);
  // After the field's own hint when it follows the field, else right after the field.
  const hint = input.nextElementSibling;
  const describedBy = (input.getAttribute("aria-describedby") || "").split(/\s+/);
  (hint && hint.id && describedBy.includes(hint.id) ? hint : input).after(box);

  suggest.addEventListener("click", () => {
    suggestion.textContent = S.meter_suggestion.replace("{words}", suggestWords().join(" "));
    suggestion.hidden = false;
    suggest.textContent = S.meter_suggest_again;
  });

  /** The pseudonym typed in the same form counts as known too. */
  const knownNow = () => {
    const login = input.form ? /** @type {HTMLInputElement | null} */ (input.form.querySelector("input[name=login]")) : null;
    return login && login.value.trim() ? [...known, login.value.trim()] : known;
  };

  let asked = 0; // only the latest keystroke's estimate is shown
  const update = async () => {
    const mine = ++asked;
    const text = input.value;
    if (!text) {
      meter.hidden = true;
      said.textContent = "";
      return;
    }
    let estimate;
    try {
      estimate = await loadEstimator(urls);
    } catch {
      return; // no meter without its library: the minimum rule still applies
    }
    if (mine !== asked || input.value !== text) return;
    const guessesLog10 = await estimate(text, knownNow());
    if (mine !== asked || input.value !== text) return;
    const level = levelOf(guessesLog10);
    meter.value = METER_VALUE[level];
    meter.hidden = false;
    said.replaceChildren(`${S.meter_label} `, Object.assign(document.createElement("strong"), { textContent: S[`meter_${level}`] }), `. ${S[`meter_${level}_advice`]}`);
    said.dataset.level = level;
  };
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  input.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(update, 200);
  });
  // A form emptied (log-out, a screen shown again) empties its meter too.
  if (input.form) input.form.addEventListener("reset", () => setTimeout(update));
  // Loading starts now (the focus), so the first estimate is ready when typing starts.
  loadEstimator(urls).catch(() => {});
  if (input.value) update();
}
