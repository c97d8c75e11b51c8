// @ts-check
// The person's bottom bar (issue 18): four places instead of a menu that took a third
// of a phone's screen — Documents, Partages (my shares and the requests received),
// Historique (who opened my documents, then everything that happened) and Plus (the
// rest, and "Me déconnecter"). The place of the screen on view is marked with
// aria-current; the counts the screens keep (requests waiting, new notices, the
// référent's and the relays' questions) are shown as badges on the places they lead to.

/** The place of each screen the bar leads to; a screen not named here marks none. */
const PLACES = /** @type {Record<string, string[]>} */ ({
  documents: [
    "documents", "add-kind", "add-pages", "sending", "document", "rename", "delete",
    "share-pick", "share-purpose", "share-professional", "share-duration", "share-trust", "share-confirm",
  ],
  shares: ["grants", "requests", "decline", "share-stop", "trust-rotated"],
  history: ["history", "notifications"],
  more: [
    "more", "export", "pin", "referent", "relays", "recovery-again",
    "contact", "contact-kind", "contact-person", "contact-pro", "contact-confirm", "contact-named-me",
    "contact-recover", "contact-done",
    "alerts", "alerts-phone", "alerts-sms", "alerts-quiet", "alerts-reminders", "alerts-log",
    "reminders", "reminder-add", "reminder-form", "reminder-delete",
  ],
});

/** Screens a person must finish before going elsewhere: the kit being kept. */
const NO_BAR = new Set(["recovery", "recovery-check"]);

/**
 * The place a screen belongs to, or "" (none).
 * @param {string} screen
 */
export function placeOf(screen) {
  for (const [place, screens] of Object.entries(PLACES)) if (screens.includes(screen)) return place;
  // The person's network screens (_person_network.html) are reached from "Plus".
  if (screen.startsWith("referent-") || screen.startsWith("relay") || screen.startsWith("organiser")) return "more";
  return "";
}

/**
 * Which count spans feed which place's badge (the spans stay where the screens set them).
 * @type {Record<string, string[]>}
 */
const BADGES = {
  shares: ["requests-count"],
  history: ["notifications-count"],
  more: ["referent-count", "relays-count"],
};

/** @param {string} id */
function countOf(id) {
  const span = document.getElementById(id);
  if (!span || span.hidden) return 0;
  return Number((span.textContent || "").replace(/\D/g, "")) || 0;
}

export function createPersonNav() {
  const bar = document.getElementById("person-nav");

  function refreshBadges() {
    if (!bar) return;
    for (const [place, ids] of Object.entries(BADGES)) {
      const badge = /** @type {HTMLElement | null} */ (bar.querySelector(`[data-badge="${place}"]`));
      if (!badge) continue;
      const n = ids.reduce((sum, id) => sum + countOf(id), 0);
      badge.textContent = n ? String(n) : "";
      badge.hidden = !n;
    }
  }

  // The screens set their counts whenever they fetch (consent-common.js setCount).
  const watched = Object.values(BADGES).flat().map((id) => document.getElementById(id)).filter(Boolean);
  if (bar && watched.length) {
    const observer = new MutationObserver(refreshBadges);
    for (const span of watched) {
      observer.observe(/** @type {Node} */ (span), { childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
    }
  }

  /**
   * Show or hide the bar for `screen`, and mark its place.
   * @param {string} screen
   * @param {boolean} person a person's vault is open
   */
  function update(screen, person) {
    if (!bar) return;
    bar.hidden = !person || NO_BAR.has(screen);
    document.body.classList.toggle("with-person-nav", !bar.hidden);
    const place = placeOf(screen);
    for (const item of /** @type {NodeListOf<HTMLElement>} */ (bar.querySelectorAll("[data-place]"))) {
      if (item.dataset.place === place) item.setAttribute("aria-current", "page");
      else item.removeAttribute("aria-current");
    }
    refreshBadges();
  }

  return { update, refreshBadges };
}
