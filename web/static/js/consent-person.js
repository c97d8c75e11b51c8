// The person's side of consent (docs/CONSENT.md): share one document with a named
// professional, for one purpose of the charter, for a limited time; see and stop the
// shares (and re-encrypt); answer requests; read who opened what.
//
// Sharing seals the document key to the professional's box key only after their keys
// have been verified up to the territory's pinned root (SPEC §15, network.js), and
// the person's own sign key signs the consent receipt (SPEC §16). Nothing secret is
// kept outside the page's memory (app.js wipes it); the only thing this module
// stores is the root fingerprint the person confirmed (see `readPin`).
import { consentReceipt, newId, verifyChain } from "./network.js";
import { button, checked, choice, day, el, fill, time, title } from "./consent-common.js";

const PIN_KEY = "coffre.trustRoot";
const DAY_MS = 86400000;
const PRESET_DAYS = [1, 7, 30];

export function createPersonConsent(ctx) {
  const { S, CONFIG, C, sodium, state, api, show, setStatus, showError, busy, categoryLabel } = ctx;
  let flow = null; // the share in progress
  let charter = null; // GET /charters/current, fetched at the start of each share
  let declining = null; // the request being declined
  let memoryPin = null; // when the browser refuses storage (private mode): this visit only

  // ------------------------------------------------------------------ the pinned root

  // The territory's trust root is pinned by the fingerprint of its sign key (SPEC
  // §15). Before the first share the person compares it with the one printed on the
  // charter page or the structure's notice; what they confirmed is kept in
  // localStorage, so that a root that changes between two visits (a server swapping
  // the territory's key to certify keys of its own) stops every share: nothing is
  // sealed unless the chain verifies up to the confirmed fingerprint. localStorage,
  // although the page keeps nothing else: the pin must outlive the session (keys are
  // wiped at log-out) and it is not a secret nor about the person — the same public
  // value for everyone on the territory, stored under one fixed name (no account id).
  // The page config's `rootFingerprint` (rendered by the server like /charte) is what
  // is offered for comparison the first time; it comes from the same server, so the
  // person's comparison with the published fingerprint is what makes it a pin.
  function readPin() {
    try {
      return localStorage.getItem(PIN_KEY) || memoryPin;
    } catch {
      return memoryPin;
    }
  }

  function writePin(fingerprint) {
    memoryPin = fingerprint;
    try {
      localStorage.setItem(PIN_KEY, fingerprint);
    } catch {
      // Storage refused: the pin lasts for this visit only.
    }
  }

  // ------------------------------------------------------------------- the share flow

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
    if (origin === "requests") return showRequests();
    if (origin === "document" && state.current) return show("document");
    return ctx.showDocuments();
  }

  function stop(message) {
    document.getElementById("share-stop-text").textContent = message;
    flow = null;
    show("share-stop");
  }

  async function loadCharter() {
    charter = await (await api("GET", "/charters/current")).json();
    return charter;
  }

  // The vault's documents again (their keys are re-opened, the old ones wiped); the
  // document on screen, if any, is pointed at its fresh copy.
  async function refreshDocuments() {
    await ctx.loadDocuments();
    if (state.current) state.current = documentById(state.current.id);
  }

  function documentById(id) {
    return state.documents.find((doc) => doc.id === id) || null;
  }

  function docTitle(doc) {
    return title(doc.meta.name);
  }

  // "Partager" on one document: the purposes that allow its category come first.
  async function startFromDocument() {
    const doc = state.current;
    if (!doc) return;
    setStatus(S.working);
    try {
      await loadCharter();
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${error.message}`);
    }
    const purposes = charter.purposes.filter((p) => p.categories.includes(doc.category));
    if (!purposes.length) return setStatus(S.share_no_purpose);
    flow = { origin: "document", documents: [doc.id], request: null, purpose: null, professional: null, days: null, steps: [] };
    document.getElementById("share-purpose-doc").textContent = fill(S.share_document, { document: docTitle(doc) });
    const list = document.getElementById("share-purpose-list");
    list.replaceChildren(...purposes.map((p, i) => choice("purpose", p.code, p.label, p.description, i === 0)));
    showError("share-purpose-error", "");
    go("share-purpose");
  }

  async function onPurpose(event) {
    event.preventDefault();
    const form = event.target;
    if (!flow) return back();
    const code = checked(form, "purpose");
    flow.purpose = charter.purposes.find((p) => p.code === code) || null;
    if (!flow.purpose) return showError("share-purpose-error", S.choose_one);
    showError("share-purpose-error", "");
    busy(form, true);
    try {
      const path = `/directory/professionals?purpose=${encodeURIComponent(code)}`;
      const { professionals } = await (await api("GET", path)).json();
      if (!professionals.length) {
        setStatus("");
        return showError("share-purpose-error", S.share_no_professional);
      }
      flow.candidates = professionals;
      const list = document.getElementById("share-professional-list");
      list.replaceChildren(
        ...professionals.map((p, i) =>
          choice("professional", p.account_id, p.display_name, `${p.profession_label}, ${p.structure.name}`, i === 0),
        ),
      );
      showError("share-professional-error", "");
      go("share-professional");
    } catch (error) {
      setStatus("");
      showError("share-purpose-error", error.message);
    } finally {
      busy(form, false);
    }
  }

  function onProfessional(event) {
    event.preventDefault();
    if (!flow) return back();
    const id = checked(event.target, "professional");
    flow.professional = flow.candidates.find((p) => p.account_id === id) || null;
    if (!flow.professional) return showError("share-professional-error", S.choose_one);
    showDurations();
  }

  function durationLabel(days) {
    if (days === 1) return S.duration_day;
    if (days === 7) return S.duration_week;
    if (days === 30) return S.duration_month;
    return fill(S.duration_days, { n: days });
  }

  // Presets shorter than the charter's maximum, and the maximum itself (the
  // default); never "for ever": a share always ends.
  function showDurations() {
    const max = flow.purpose.max_days;
    const options = [...new Set([...PRESET_DAYS.filter((d) => d < max), max])];
    const list = document.getElementById("share-duration-list");
    list.replaceChildren(
      ...options.map((days) =>
        choice("days", String(days), durationLabel(days), days === max ? S.duration_max : "", days === max),
      ),
    );
    showError("share-duration-error", "");
    go("share-duration");
  }

  async function onDuration(event) {
    event.preventDefault();
    const form = event.target;
    if (!flow) return back();
    const days = Number(checked(form, "days"));
    if (!days) return showError("share-duration-error", S.choose_one);
    flow.days = days;
    busy(form, true);
    try {
      const trust = await (await api("GET", "/trust/root")).json();
      // The fingerprint is computed here from the root's own key, not taken on trust.
      const fingerprint = C.fingerprint(C.b64decode(trust.root.statement.sign_public_key));
      flow.rootFingerprint = fingerprint;
      const pinned = readPin();
      if (pinned && pinned !== fingerprint) return stop(S.root_changed);
      if (!pinned) {
        if (fingerprint !== CONFIG.rootFingerprint || fingerprint !== trust.fingerprint) return stop(S.root_mismatch);
        document.getElementById("share-trust-fingerprint").textContent = fingerprint;
        const same = document.getElementById("share-trust-same");
        same.checked = false;
        document.querySelector("[data-action=share-trust]").disabled = true;
        return go("share-trust");
      }
      await showSummary();
    } catch (error) {
      setStatus("");
      showError("share-duration-error", error.message);
    } finally {
      busy(form, false);
    }
  }

  async function onTrusted() {
    if (!flow) return back();
    if (!document.getElementById("share-trust-same").checked) return;
    writePin(flow.rootFingerprint);
    setStatus(S.working);
    try {
      await showSummary();
    } catch (error) {
      stop(error.message);
    }
  }

  // The professional's keys are verified up to the pinned root before the summary:
  // the name the person reads there is the one their structure certified, and the
  // structure is the one the certificate names (the directory's word is not enough).
  async function verifiedKeys(pro) {
    const keys = await (await api("GET", `/professionals/${pro.account_id}/keys`)).json();
    let leaf;
    try {
      leaf = verifyChain(C, keys, readPin());
    } catch {
      return null;
    }
    if (leaf.structure !== pro.structure.id) return null;
    return { boxPublic: C.b64decode(keys.box_public_key), structure: leaf.structure, name: leaf.display_name };
  }

  async function showSummary() {
    const doc = documentById(flow.documents[0]);
    if (!doc) return stop(S.share_failed);
    const pro = flow.professional;
    flow.verified = await verifiedKeys(pro);
    if (!flow.verified) return stop(S.keys_not_certified);
    document.getElementById("share-summary").textContent = fill(S.share_summary, {
      professional: flow.verified.name,
      structure: pro.structure.name,
      document: docTitle(doc),
      duration: durationLabel(flow.days),
      purpose: flow.purpose.label,
    });
    const until = new Date(Date.now() + flow.days * DAY_MS);
    document.getElementById("share-ends").textContent = fill(S.share_ends, { date: day(until), time: time(until) });
    showError("share-confirm-error", "");
    go("share-confirm");
  }

  // Seal to the verified box key, sign the receipt, send.
  async function onConfirm() {
    if (!flow || !flow.verified) return back();
    const confirm = document.querySelector("[data-action=share-confirm]");
    confirm.disabled = true;
    showError("share-confirm-error", "");
    setStatus(S.sharing);
    const pro = flow.professional;
    const { boxPublic, structure, name } = flow.verified;
    try {
      const docs = flow.documents.map(documentById);
      if (docs.some((doc) => !doc)) throw new Error(S.share_failed);
      const sealed = {};
      for (const doc of docs) sealed[doc.id] = C.b64encode(C.sealDocumentKey(doc.docKey, boxPublic));
      const start = new Date(Math.floor(Date.now() / 1000) * 1000);
      const receipt = consentReceipt({
        grant: newId(sodium),
        person: state.accountId,
        professional: pro.account_id,
        structure,
        purpose: flow.purpose.code,
        charterVersion: charter.version,
        documents: docs.map((doc) => ({ id: doc.id, ciphertextSha256: doc.ciphertextSha256 })),
        notBefore: start,
        notAfter: new Date(start.getTime() + flow.days * DAY_MS),
        maxPulls: null,
        request: flow.request ? flow.request.id : null,
      });
      const envelope = C.signStatement(receipt, state.keys.signSeed);
      await api("POST", "/grants", { json: { receipt: envelope, sealed_keys: sealed } });
      const done = fill(S.share_done, { professional: name, document: docTitle(docs[0]) });
      flow = null;
      await showGrants(done);
    } catch (error) {
      setStatus("");
      showError("share-confirm-error", error instanceof C.CryptoError ? S.share_failed : error.message);
    } finally {
      confirm.disabled = false;
    }
  }

  // ---------------------------------------------------------------------- my shares

  function stateWords(grant) {
    switch (grant.state) {
      case "active":
        return fill(S.grant_active, { date: day(grant.not_after), time: time(grant.not_after) });
      case "expired":
        return fill(S.grant_expired, { date: day(grant.not_after) });
      case "revoked":
        return fill(S.grant_revoked, { date: day(grant.revoked_at) });
      case "exhausted":
        return S.grant_exhausted;
      default:
        return grant.state;
    }
  }

  function sharedTitle(shared) {
    const doc = documentById(shared.id);
    return doc ? `« ${docTitle(doc)} »` : fill(S.document_gone, { category: categoryLabel(shared.category) });
  }

  function grantCard(grant, index) {
    const headingId = `grant-${index}`;
    const card = el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: `${grant.professional_name}, ${grant.structure_name}` }),
      el("p", { text: fill(S.grant_purpose, { purpose: grant.purpose_label }) }),
      el("p", {
        text: grant.documents.length
          ? fill(S.grant_documents, { documents: grant.documents.map(sharedTitle).join(", ") })
          : S.grant_no_documents,
      }),
      el("p", {}, el("span", { className: `state ${grant.state}`, text: stateWords(grant) })),
    );
    if (grant.pulls > 0) card.append(el("p", { text: fill(S.grant_pulls, { n: grant.pulls }) }));
    if (grant.state === "active") {
      const stopIt = button(S.revoke, () => revoke(grant, false, card), "danger");
      const rotate = button(S.revoke_reencrypt, () => revoke(grant, true, card));
      for (const b of [stopIt, rotate]) b.setAttribute("aria-describedby", headingId);
      card.append(el("div", { className: "actions" }, stopIt, rotate), el("p", { className: "hint", text: S.reencrypt_hint }));
    }
    return card;
  }

  async function showGrants(status = "", options = {}) {
    try {
      await refreshDocuments();
      const { grants } = await (await api("GET", "/grants")).json();
      const list = document.getElementById("grant-list");
      if (!grants.length) list.replaceChildren(el("p", { text: S.no_grants }));
      else list.replaceChildren(el("ul", { className: "cards" }, ...grants.map(grantCard)));
      show("grants", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${error.message}`);
    }
  }

  // Re-encryption (docs/CONSENT.md): the content under a new document key, sealed to
  // the owner only; the server then drops every key a grantee held for it.
  async function reencrypt(doc) {
    const response = await api("GET", `/documents/${doc.id}/content`);
    const { chunks, sha256 } = await C.decryptToChunks(doc.docKey, response.body);
    const newKey = C.newDocumentKey();
    try {
      if (sha256 !== doc.meta.sha256) throw new C.DecryptionError("sha256 mismatch");
      const { blob } = await C.encryptToBlob(newKey, chunks);
      await api("PUT", `/documents/${doc.id}/content`, {
        body: blob,
        headers: {
          "Content-Type": "application/octet-stream",
          "Coffre-Metadata": C.b64encode(C.encryptMetadata(newKey, doc.meta)),
          "Coffre-Sealed-Key": C.b64encode(C.sealDocumentKey(newKey, state.keys.boxPublic)),
        },
      });
    } finally {
      sodium.memzero(newKey);
      for (const chunk of chunks) sodium.memzero(chunk);
    }
  }

  async function revoke(grant, rotate, card) {
    for (const b of card.querySelectorAll("button")) b.disabled = true;
    setStatus(S.working);
    try {
      await api("POST", `/grants/${grant.id}/revoke`);
      if (!rotate) return await showGrants(fill(S.revoked_done, { professional: grant.professional_name }));
      for (const shared of grant.documents) {
        const doc = documentById(shared.id);
        if (!doc) continue;
        setStatus(fill(S.reencrypting, { document: docTitle(doc) }));
        await reencrypt(doc);
      }
      await showGrants(fill(S.revoked_reencrypted, { professional: grant.professional_name }));
    } catch (error) {
      const message = error instanceof C.CryptoError ? S.decrypt_failed : error.message;
      await showGrants(`${S.error_prefix} : ${message}`);
    }
  }

  // ----------------------------------------------------------------------- requests

  function requestCard(request, index) {
    const headingId = `request-${index}`;
    const card = el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: `${request.professional_name}, ${request.structure_name}` }),
      el("p", { text: fill(S.request_asks, { category: categoryLabel(request.category) }) }),
      el("p", { text: fill(S.grant_purpose, { purpose: request.purpose_label }) }),
    );
    if (request.message) card.append(el("p", { text: fill(S.request_message, { message: request.message }) }));
    if (request.due_on) card.append(el("p", { text: fill(S.request_due, { date: day(`${request.due_on}T12:00:00`) }) }));
    card.append(el("p", { className: "hint", text: fill(S.request_expires, { date: day(request.expires_at) }) }));
    const yes = button(S.request_approve, () => approve(request), "primary");
    const no = button(S.request_decline, () => startDecline(request));
    for (const b of [yes, no]) b.setAttribute("aria-describedby", headingId);
    card.append(el("div", { className: "actions" }, yes, no));
    return card;
  }

  async function showRequests(status = "", options = {}) {
    try {
      const { requests } = await (await api("GET", "/requests")).json();
      const list = document.getElementById("request-list");
      if (!requests.length) list.replaceChildren(el("p", { text: S.no_requests }));
      else list.replaceChildren(el("ul", { className: "cards" }, ...requests.map(requestCard)));
      setCount("requests-count", requests.length);
      show("requests", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${error.message}`);
    }
  }

  // Approving is sharing: the purpose and the professional come from the request,
  // the person picks the document, and the receipt names the request.
  async function approve(request) {
    setStatus(S.working);
    try {
      await loadCharter();
      await refreshDocuments();
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${error.message}`);
    }
    const purpose = charter.purposes.find((p) => p.code === request.purpose);
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
    const docs = state.documents.filter((doc) => doc.category === request.category);
    const category = categoryLabel(request.category);
    document.getElementById("share-pick-intro").textContent = docs.length
      ? fill(S.pick_intro, { professional: request.professional_name, category })
      : fill(S.pick_none, { category });
    document.getElementById("share-pick-list").replaceChildren(
      ...docs.map((doc, i) => choice("document", doc.id, docTitle(doc), `${S.added_on} ${day(doc.createdAt)}`, i === 0)),
    );
    document.getElementById("share-pick-fields").hidden = !docs.length;
    document.getElementById("share-pick-next").hidden = !docs.length;
    document.getElementById("share-pick-add").hidden = Boolean(docs.length);
    showError("share-pick-error", "");
    go("share-pick");
  }

  function onPick(event) {
    event.preventDefault();
    if (!flow) return back();
    const id = checked(event.target, "document");
    if (!id) return showError("share-pick-error", S.choose_one);
    flow.documents = [id];
    showDurations();
  }

  function startDecline(request) {
    declining = request;
    document.getElementById("decline-intro").textContent = fill(S.decline_intro, {
      professional: request.professional_name,
      category: categoryLabel(request.category),
    });
    document.getElementById("decline-form").reset();
    showError("decline-error", "");
    show("decline");
  }

  async function onDecline(event) {
    event.preventDefault();
    const form = event.target;
    if (!declining) return showRequests();
    busy(form, true);
    try {
      const word = form.word.value.trim();
      await api("POST", `/requests/${declining.id}/decline`, { json: { word: word || null } });
      const done = fill(S.declined_done, { professional: declining.professional_name });
      declining = null;
      await showRequests(done);
    } catch (error) {
      setStatus("");
      showError("decline-error", error.message);
    } finally {
      busy(form, false);
    }
  }

  // ------------------------------------------------------------------ notifications

  function sentence(notice) {
    const data = notice.data || {};
    const at = { date: day(notice.created_at), time: time(notice.created_at) };
    switch (notice.kind) {
      case "document.pulled": {
        const doc = documentById(data.document);
        const text = fill(S.notice_pulled, {
          ...at,
          professional: data.professional,
          structure: data.structure,
          document: doc ? docTitle(doc) : categoryLabel(data.category),
          purpose: data.purpose_label || data.purpose,
        });
        return data.reason ? `${text} ${fill(S.notice_reason, { reason: data.reason })}` : text;
      }
      case "request.received":
        return fill(S.notice_request, { ...at, professional: data.professional, category: categoryLabel(data.category) });
      case "deposit.received":
        return fill(S.notice_deposit, {
          ...at,
          professional: data.professional,
          structure: data.structure,
          category: categoryLabel(data.category),
        });
      default:
        return fill(S.notice_other, at);
    }
  }

  async function showNotifications(status = "", options = {}) {
    try {
      if (!state.documents.length) await refreshDocuments();
      const { notifications, unread } = await (await api("GET", "/notifications")).json();
      const list = document.getElementById("notification-list");
      if (!notifications.length) list.replaceChildren(el("p", { text: S.no_notifications }));
      else {
        const items = notifications.map((notice) => {
          const item = el("li", { className: notice.read ? "notice" : "notice unread" });
          if (!notice.read) item.append(el("span", { className: "badge new", text: S.new_notice }), " ");
          item.append(sentence(notice));
          return item;
        });
        list.replaceChildren(el("ul", { className: "notices" }, ...items));
      }
      show("notifications", { status, ...options });
      if (unread && notifications.length) {
        await api("POST", "/notifications/read", { json: { up_to: notifications[0].id } });
        setCount("notifications-count", 0);
      }
    } catch (error) {
      setStatus(`${S.error_prefix} : ${error.message}`);
    }
  }

  function setCount(id, n) {
    const badge = document.getElementById(id);
    badge.textContent = n ? ` (${n})` : "";
    badge.hidden = !n;
  }

  // After log-in: how many unread notifications and pending requests, in the menu.
  async function refreshCounts() {
    try {
      const notices = await (await api("GET", "/notifications")).json();
      setCount("notifications-count", notices.unread);
      const { requests } = await (await api("GET", "/requests")).json();
      setCount("requests-count", requests.length);
    } catch {
      // Counts are a convenience; the screens fetch their own lists.
    }
  }

  // ------------------------------------------------------------------------ wiring

  document.getElementById("share-purpose-form").addEventListener("submit", onPurpose);
  document.getElementById("share-professional-form").addEventListener("submit", onProfessional);
  document.getElementById("share-duration-form").addEventListener("submit", onDuration);
  document.getElementById("share-pick-form").addEventListener("submit", onPick);
  document.getElementById("decline-form").addEventListener("submit", onDecline);
  document.getElementById("share-trust-same").addEventListener("change", (event) => {
    document.querySelector("[data-action=share-trust]").disabled = !event.target.checked;
  });

  return {
    kind: "person",
    screens: [
      "share-pick",
      "share-purpose",
      "share-professional",
      "share-duration",
      "share-trust",
      "share-confirm",
      "share-stop",
      "grants",
      "requests",
      "decline",
      "notifications",
    ],
    enter: { grants: showGrants, requests: showRequests, notifications: showNotifications },
    actions: {
      share: startFromDocument,
      "share-back": back,
      "share-trust": onTrusted,
      "share-confirm": onConfirm,
    },
    async home(status = "") {
      await ctx.showDocuments(status);
      refreshCounts();
    },
    wipe() {
      flow = null;
      charter = null;
      declining = null;
      for (const id of ["grant-list", "request-list", "notification-list", "share-purpose-list", "share-professional-list", "share-pick-list"]) {
        document.getElementById(id).replaceChildren();
      }
      for (const id of ["share-summary", "share-ends", "share-pick-intro", "decline-intro", "share-purpose-doc"]) {
        document.getElementById(id).textContent = "";
      }
      setCount("notifications-count", 0);
      setCount("requests-count", 0);
    },
  };
}
