// @ts-check
// Sharing (docs/CONSENT.md): documents to a named professional, for one purpose of the
// charter, for a limited time. From a document ("Partager" on its screen or in its row
// of the list: the list's data is all a share needs) or from a request.
//
// Nothing is chosen for the person (issue 14): no purpose, professional, duration or
// document is ticked in advance (only the document "Partager" was pressed on, which the
// person chose); "Suivant" with nothing chosen stays on the step and says what to
// choose; the last screen spells out each choice in large words before "Oui, partager".
//
// The document keys are sealed to the professional's box key only after their keys
// have been verified up to the territory's pinned root (SPEC §15, trust.js), and the
// person's own sign key signs the consent receipt (SPEC §16).
import { MAX_DOCUMENTS, MAX_PULLS } from "./network.js";
import { askToChoose, byId, checked, checkedAll, choice, choiceMade, day, el, fill, time } from "./consent-common.js";
import { messageFor } from "./http.js";
import { refusedError } from "./documents-v2.js";
import { refusalMessage, sendGrant } from "./grant-send.js";
import { TrustRefused } from "./trust-v2.js";
import { purposeChoice, purposeName } from "./purpose-words.js";

const DAY_MS = 86400000;
const PRESET_DAYS = [1, 7, 30];

/** @param {any} P the helpers of consent-person.js */
export function createShare(P) {
  const { S, C, state, api, show, setStatus, showError, busy, categoryLabel } = P;
  /** @type {any} */
  let flow = null; // the share in progress

  /** @param {string} name */
  function go(name) {
    flow.steps.push(name);
    show(name);
  }

  function back() {
    if (flow) flow.steps.pop();
    const previous = flow && flow.steps.length ? flow.steps[flow.steps.length - 1] : null;
    if (previous) return show(previous);
    const origin = flow ? flow.origin : "documents";
    flow = null;
    if (origin === "requests") return P.showRequests();
    if (origin === "document" && state.current) return show("document");
    return P.showDocuments();
  }

  /** @param {string} message */
  function stop(message) {
    byId("share-stop-text").textContent = message;
    flow = null;
    show("share-stop");
  }

  // "Partager" on one document: the purposes that allow its category; then, when other
// documents fit the purpose too, which ones to share together (1 to 20).
  async function startFromDocument() {
    const doc = state.current;
    if (!doc) return;
    setStatus(S.working);
    try {
      await P.loadCharter();
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
    const purposes = P.charter().purposes.filter((/** @type {any} */ p) => p.categories.includes(doc.category));
    if (!purposes.length) return setStatus(S.share_no_purpose);
    // From the document's screen, or from its row in the list (nothing downloaded):
    // "Retour" at the first step goes back there.
    const onDocument = !(/** @type {HTMLElement} */ (document.querySelector('[data-screen="document"]')).hidden);
    const origin = onDocument ? "document" : "documents";
    flow = { origin, documents: [doc.id], request: null, purpose: null, professional: null, days: null, steps: [] };
    byId("share-purpose-doc").textContent = fill(S.share_document, { document: P.docTitle(doc) });
    const list = byId("share-purpose-list");
    list.replaceChildren(...purposes.map((/** @type {any} */ p) => purposeChoice(p)));
    showError("share-purpose-error", "");
    go("share-purpose");
  }

  /** @param {SubmitEvent} event */
  async function onPurpose(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (!flow) return back();
    const code = checked(form, "purpose");
    flow.purpose = P.charter().purposes.find((/** @type {any} */ p) => p.code === code) || null;
    if (!flow.purpose) return askToChoose(form, "purpose", "share-purpose-error", S.choose_purpose);
    showError("share-purpose-error", "");
    if (eligible().length > 1) return showPick(fill(S.pick_more, { purpose: purposeName(flow.purpose) }), flow.documents);
    await showProfessionals(form, "share-purpose-error");
  }

  /**
   * The vault's documents whose category the purpose allows: the one the share started
   * from, or those of the requested category, first.
   */
  function eligible() {
    const allowed = flow.purpose.categories;
    const wanted = flow.request ? flow.request.category : null;
    const first = (/** @type {any} */ doc) =>
      flow.origin === "document" ? doc.id === flow.documents[0] : doc.category === wanted;
    const docs = state.documents.filter((/** @type {any} */ doc) => allowed.includes(doc.category));
    return [...docs.filter(first), ...docs.filter((/** @type {any} */ doc) => !first(doc))];
  }

  /**
   * @param {HTMLFormElement} form
   * @param {string} errorId
   */
  async function showProfessionals(form, errorId) {
    busy(form, true);
    try {
      const path = `/directory/professionals?purpose=${encodeURIComponent(flow.purpose.code)}`;
      const { professionals } = await (await api("GET", path)).json();
      if (!professionals.length) {
        setStatus("");
        return showError(errorId, S.share_no_professional);
      }
      flow.candidates = professionals;
      const list = byId("share-professional-list");
      list.replaceChildren(
        ...professionals.map((/** @type {any} */ p) =>
          choice("professional", p.account_id, p.display_name, `${p.profession_label}, ${p.structure.name}`, false),
        ),
      );
      showError("share-professional-error", "");
      go("share-professional");
    } catch (error) {
      setStatus("");
      showError(errorId, messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  /** @param {SubmitEvent} event */
  function onProfessional(event) {
    event.preventDefault();
    if (!flow) return back();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const id = checked(form, "professional");
    flow.professional = flow.candidates.find((/** @type {any} */ p) => p.account_id === id) || null;
    if (!flow.professional) {
      return askToChoose(form, "professional", "share-professional-error", S.choose_professional);
    }
    showDurations();
  }

  /** @param {number} days */
  function durationLabel(days) {
    if (days === 1) return S.duration_day;
    if (days === 7) return S.duration_week;
    if (days === 30) return S.duration_month;
    return fill(S.duration_days, { n: days });
  }

  // Presets shorter than the charter's maximum, and the maximum itself; none ticked
  // (the longest is no default: the person says how long). Never "for ever": a share
  // always ends.
  function showDurations() {
    const max = flow.purpose.max_days;
    const options = [...new Set([...PRESET_DAYS.filter((d) => d < max), max])];
    const list = byId("share-duration-list");
    list.replaceChildren(
      ...options.map((days) =>
        choice("days", String(days), durationLabel(days), days === max ? S.duration_max : "", false),
      ),
    );
    /** @type {HTMLInputElement} */ (byId("share-max-pulls")).value = flow.maxPulls ? String(flow.maxPulls) : "";
    showError("share-duration-error", "");
    go("share-duration");
  }

  /**
   * The optional limit on openings: null (none), a whole number 1..100, or undefined when wrong.
   * @param {string} text
   */
  function maxPulls(text) {
    const value = text.trim();
    if (!value) return null;
    if (!/^[0-9]{1,3}$/.test(value)) return undefined;
    const n = Number(value);
    return n >= 1 && n <= MAX_PULLS ? n : undefined;
  }

  /** @param {SubmitEvent} event */
  async function onDuration(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (!flow) return back();
    const days = Number(checked(form, "days"));
    if (!days) return askToChoose(form, "days", "share-duration-error", S.choose_duration);
    const limit = maxPulls(form.max_pulls.value);
    if (limit === undefined) return showError("share-duration-error", S.max_pulls_range);
    flow.days = days;
    flow.maxPulls = limit;
    busy(form, true);
    try {
      const root = await P.trust.check();
      if (root.state === "changed") return stop(S.root_changed);
      if (root.state === "unchained") return stop(S.root_unchained);
      if (root.state === "mismatch") return stop(S.root_mismatch);
      if (root.state === "rotated") return P.trust.tellRotated({ onConfirm: onTrusted, showScreen: () => go("trust-rotated") });
      if (root.state === "first") {
        return P.trust.ask(root.fingerprint, {
          onConfirm: onTrusted,
          onBack: back,
          showScreen: () => go("share-trust"),
        });
      }
      await showSummary();
    } catch (error) {
      setStatus("");
      showError("share-duration-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  async function onTrusted() {
    if (!flow) return back();
    setStatus(S.working);
    try {
      await showSummary();
    } catch (error) {
      stop(messageFor(error, S.unexpected_error));
    }
  }

  // The professional's keys are verified up to the pinned root before the summary:
  // the name the person reads there is the one their structure certified, and the
  // structure is the one the certificate names (the directory's word is not enough).
  /** @param {any} pro */
  async function verifiedKeys(pro) {
    let verified;
    try {
      verified = await P.trust.checkedKeys(pro.account_id);
    } catch (error) {
      if (error instanceof TrustRefused) return { refused: refusalMessage(S, error) };
      throw error;
    }
    if (verified.leaf.structure !== pro.structure.id) return { refused: S.keys_not_certified };
    return { boxPublic: verified.boxPublic, structure: verified.leaf.structure, name: verified.leaf.display_name };
  }

  /**
   * "Carte d'identité" for one document; "« A », « B »" for several (inside « »).
   * @param {any[]} docs
   */
  function titles(docs) {
    return docs.map(P.docTitle).join(" », « ");
  }

  async function showSummary() {
    const docs = flow.documents.map(P.documentById);
    if (!docs.length || docs.some((/** @type {any} */ doc) => !doc)) return stop(S.share_failed);
    const pro = flow.professional;
    const checked = await verifiedKeys(pro);
    if ("refused" in checked) return stop(String(checked.refused));
    flow.verified = checked;
    let summary = fill(docs.length === 1 ? S.share_summary : S.share_summary_many, {
      professional: flow.verified.name,
      structure: pro.structure.name,
      document: titles(docs),
      n: docs.length,
      duration: durationLabel(flow.days),
      purpose: purposeName(flow.purpose),
    });
    if (flow.maxPulls) summary += ` ${fill(S.share_summary_pulls, { n: flow.maxPulls })}`;
    byId("share-summary").textContent = summary;
    const until = new Date(Date.now() + flow.days * DAY_MS);
    byId("share-ends").textContent = fill(S.share_ends, { date: day(until), time: time(until) });
    // Each choice on its own line, in large words, before "Oui, partager".
    byId("share-recap-who").textContent = flow.verified.name;
    byId("share-recap-structure").textContent = pro.structure.name;
    byId("share-recap-purpose").textContent = purposeName(flow.purpose);
    byId("share-recap-documents").replaceChildren(
      el("ul", {}, ...docs.map((/** @type {any} */ doc) => el("li", { text: P.docTitle(doc) }))),
    );
    byId("share-recap-until").textContent = fill(S.recap_until, {
      date: day(until),
      time: time(until),
      duration: durationLabel(flow.days),
    });
    byId("share-recap-pulls").textContent = flow.maxPulls ? fill(S.recap_pulls, { n: flow.maxPulls }) : S.recap_pulls_any;
    showError("share-confirm-error", "");
    go("share-confirm");
  }

  // Seal to the verified box key, sign the receipt, send.
  async function onConfirm() {
    if (!flow || !flow.verified) return back();
    const confirm = /** @type {HTMLButtonElement} */ (document.querySelector("[data-action=share-confirm]"));
    confirm.disabled = true;
    showError("share-confirm-error", "");
    setStatus(S.sharing);
    const pro = flow.professional;
    const { boxPublic, structure, name } = flow.verified;
    try {
      // Seal, sign, send: the one grant maker (grant-send.js).
      const start = new Date(Math.floor(Date.now() / 1000) * 1000);
      await sendGrant(P, {
        documents: flow.documents,
        professional: pro.account_id,
        structure,
        boxPublic,
        purpose: flow.purpose.code,
        charterVersion: P.charter().version,
        notBefore: start,
        notAfter: new Date(start.getTime() + flow.days * DAY_MS),
        maxPulls: flow.maxPulls || null,
        request: flow.request ? flow.request.id : null,
      });
      const docs = flow.documents.map(P.documentById).filter(Boolean);
      const done = fill(S.share_done, { professional: name, document: titles(docs) });
      flow = null;
      await P.showGrants(done);
    } catch (error) {
      setStatus("");
      let message = error instanceof C.CryptoError ? S.share_failed : messageFor(error, S.unexpected_error);
      if (refusedError(error)) message = S.my_document_refused;
      showError("share-confirm-error", message);
    } finally {
      confirm.disabled = false;
    }
  }

  // Approving a request is sharing: the purpose and the professional come from the
  // request, the person picks the documents (those of the requested category first,
  // others the purpose allows after; none ticked: an old and a new identity card may
  // both be there), and the receipt names the request.
  /** @param {any} request */
  async function startFromRequest(request) {
    setStatus(S.working);
    try {
      await P.loadCharter();
      await P.refreshDocuments();
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
    const purpose = P.charter().purposes.find((/** @type {any} */ p) => p.code === request.purpose);
    if (!purpose) return setStatus(S.request_purpose_gone);
    flow = {
      origin: "requests",
      request,
      purpose,
      professional: {
        account_id: request.professional_id,
        display_name: request.professional_name,
        structure: { id: request.structure_id, name: request.structure_name },
      },
      documents: [],
      days: null,
      steps: [],
    };
    const category = categoryLabel(request.category);
    const first = state.documents.find((/** @type {any} */ doc) => doc.category === request.category);
    if (!first) {
      byId("share-pick-intro").textContent = fill(S.pick_none, { category });
      byId("share-pick-list").replaceChildren();
      setPickable(false);
      showError("share-pick-error", "");
      return go("share-pick");
    }
    showPick(fill(S.pick_intro, { professional: request.professional_name, category }), []);
  }

  /** @param {boolean} on */
  function setPickable(on) {
    byId("share-pick-fields").hidden = !on;
    byId("share-pick-next").hidden = !on;
    byId("share-pick-add").hidden = on;
  }

  /**
   * Check boxes for the documents the purpose allows; `chosen` ticked (only the document
   * the person pressed "Partager" on).
   * @param {string} intro
   * @param {string[]} chosen
   */
  function showPick(intro, chosen) {
    byId("share-pick-intro").textContent = intro;
    byId("share-pick-list").replaceChildren(
      ...eligible().map((/** @type {any} */ doc) =>
        choice("document", doc.id, P.docTitle(doc), `${categoryLabel(doc.category)} · ${S.added_on} ${day(doc.createdAt)}`,
          chosen.includes(doc.id), "checkbox"),
      ),
    );
    setPickable(true);
    showError("share-pick-error", "");
    go("share-pick");
  }

  /** @param {SubmitEvent} event */
  async function onPick(event) {
    event.preventDefault();
    if (!flow) return back();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const ids = checkedAll(form, "document");
    if (!ids.length) return askToChoose(form, "document", "share-pick-error", S.choose_some);
    if (ids.length > MAX_DOCUMENTS) return showError("share-pick-error", fill(S.choose_at_most, { n: MAX_DOCUMENTS }));
    showError("share-pick-error", "");
    flow.documents = ids;
    if (flow.origin === "requests") return showDurations();
    await showProfessionals(form, "share-pick-error");
  }

  /** @type {[string, string, (event: SubmitEvent) => unknown][]} */
  const steps = [
    ["share-purpose", "purpose", onPurpose],
    ["share-professional", "professional", onProfessional],
    ["share-duration", "days", onDuration],
    ["share-pick", "document", onPick],
  ];
  for (const [step, name, onSubmit] of steps) {
    const form = /** @type {HTMLFormElement} */ (byId(`${step}-form`));
    form.addEventListener("submit", onSubmit);
    form.addEventListener("change", (event) => {
      if (/** @type {HTMLInputElement} */ (event.target).name !== name) return;
      choiceMade(form, name);
      showError(`${step}-error`, "");
    });
  }

  return {
    startFromRequest,
    screens: ["share-pick", "share-purpose", "share-professional", "share-duration", "share-confirm", "share-stop"],
    enter: {},
    actions: {
      share: startFromDocument,
      "share-back": back,
      "share-confirm": onConfirm,
    },
    wipe() {
      flow = null;
      for (const id of ["share-purpose-list", "share-professional-list", "share-pick-list", "share-recap-documents"]) {
        byId(id).replaceChildren();
      }
      const texts = ["share-summary", "share-ends", "share-pick-intro", "share-purpose-doc", "share-recap-who",
        "share-recap-structure", "share-recap-purpose", "share-recap-until", "share-recap-pulls"];
      for (const id of texts) byId(id).textContent = "";
    },
  };
}
