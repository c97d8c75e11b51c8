// @ts-check
// The person's side of consent (docs/CONSENT.md), put together from modules of one
// job each: the territory's pinned root (trust.js), sharing (person-share.js), the
// shares and their ending (person-grants.js), the requests inbox (person-requests.js),
// notifications (person-notifications.js), a deposit's proof of origin
// (person-deposits.js), the history (person-history.js), the full export
// (person-export.js, zip.js).
//
// Each module returns {screens, enter, actions, wipe} and may expose functions the
// others call through `P` (the helpers app.js gives, plus the shared ones below).
// Nothing secret is kept outside the page's memory (app.js wipes it); the only thing
// stored is the root fingerprint the person confirmed (trust.js).
import { title } from "./consent-common.js";
import { createDepositCheck } from "./person-deposits.js";
import { createExport } from "./person-export.js";
import { createHistory } from "./person-history.js";
import { createGrants } from "./person-grants.js";
import { createReceipt } from "./person-receipt.js";
import { createNotifications } from "./person-notifications.js";
import { createRequests } from "./person-requests.js";
import { createShare } from "./person-share.js";
import { createMigration } from "./migrate-v2.js";
import { createPin } from "./person-pin.js";
import { createContact } from "./person-contact.js";
import { createReferent } from "./person-referent.js";
import { createRelays } from "./person-relays.js";
import { createTrust } from "./trust.js";
import { createOrganiser } from "./person-organiser.js";
import { createAlerts } from "./person-alerts.js";
import { createReminders } from "./person-reminders.js";

/** @param {import("./types/page").PageHelpers} ctx */
export function createPersonConsent(ctx) {
  const { api, state } = ctx;
  /** @type {Record<string, any> | null} */
  let charter = null; // GET /charters/current, fetched at the start of each share

  // trust and history are added below, once P exists: typed as the whole from here.
  const P = /** @type {import("./types/page").PersonHelpers} */ (/** @type {unknown} */ ({
    ...ctx,
    charter: () => charter,
    async loadCharter() {
      charter = await (await api("GET", "/charters/current")).json();
      return charter;
    },
    /** @param {string} id */
    documentById(id) {
      return state.documents.find((doc) => doc.id === id) || null;
    },
    /**
     * A document's own name, without its extension, for sentences.
     * @param {import("./types/page").VaultDocument} doc
     */
    docTitle(doc) {
      return title(doc.meta.name);
    },
    // The vault's documents again (their keys are re-opened, the old ones wiped); the
    // document on screen, if any, is pointed at its fresh copy.
    async refreshDocuments() {
      await ctx.loadDocuments();
      if (state.current) state.current = P.documentById(state.current.id);
    },
  }));
  P.trust = createTrust(P);
  P.receipt = createReceipt(P); // a share's receipt, checked here and printed
  const grants = createGrants(P);
  P.showGrants = grants.show;
  const requests = createRequests(P);
  P.showRequests = requests.show;
  P.share = createShare(P);
  const notifications = createNotifications(P);
  const deposits = createDepositCheck(P);
  P.history = createHistory(P);
  const exporter = createExport(P);
  const pin = createPin(P);
  const contact = createContact(P); // "Une personne de confiance" (SPEC §28)
  const referent = createReferent(P); // "Mon référent" and the hand-over (issue 16)
  const relays = createRelays(P); // "Mes orientations": relays, their notes (SPEC §29)
  // "Être prévenu" and "Mes rappels" (issue 19); the reminders' texts open the notices.
  const alerts = createAlerts(P);
  P.reminders = createReminders(P);
  // Format v2 at unlock (migrate-v2.js): before the vault's first screen, once.
  const migration = createMigration(P);
  const parts = [P.trust, P.share, grants, P.receipt, requests, notifications, deposits, P.history, exporter, pin, contact, referent, relays, alerts, P.reminders, migration];
  parts.push(createOrganiser(P)); // "Mon carnet": notes, contacts, appointments (issue 19)

  return {
    kind: "person",
    documentOpened: deposits.documentOpened,
    screens: parts.flatMap((part) => part.screens),
    enter: Object.assign({}, ...parts.map((part) => part.enter)),
    actions: Object.assign({}, ...parts.map((part) => part.actions)),
    async home(status = "") {
      const later = await migration.atUnlock();
      // What waits for the person is shown first, once per vault opened: a request of the
      // trusted contact, a hand-over of the référent, a relay to agree to or to share with.
      const first = status || later;
      const interrupted = (await contact.interrupts(first)) || (await referent.interrupts()) || (await relays.interrupts());
      if (!interrupted) await ctx.showDocuments(first);
      notifications.refreshCounts();
      alerts.syncLanguage(); // messages outside the app in the language the person reads
    },
    wipe() {
      charter = null;
      for (const part of parts) part.wipe();
    },
  };
}
