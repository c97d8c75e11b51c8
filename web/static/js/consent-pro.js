// @ts-check
// The professional's side of consent (docs/CONSENT.md): the documents persons shared
// with them, opening one (a pull: recorded, and told to the person), and asking a
// person for a document. Depositing a document into a person's vault: pro-deposit.js.
//
// A pulled document is decrypted in the page and shown only as a stamped copy
// ("Copie transmise à … (structure) pour … le …", watermark.js): the preview and
// "Télécharger" both use that copy, never the plain bytes, which are wiped once
// stamped. The stamp deters and traces; it cannot prevent a copy (THREATS.md).
//
// Format v2 (pro-v2.js): each grant's receipt is verified under the person's key
// before its documents are listed as openable; a person's key that changed since the
// last visit opens nothing until the professional has compared the new pin
// (pro-pin.js); a document of a v2 share opens only if it is the one the receipt
// names (SPEC §24.4), else a plain message and no content.
import { stampCopy, watermarkText } from "./watermark.js";
import { button, byId, day, el, fill, time, title } from "./consent-common.js";
import { territoryZone } from "./dates.js";
import { ShownError, messageFor } from "./http.js";
import { StallError, download, stallMs } from "./transfer.js";
import { createProDeposit } from "./pro-deposit.js";
import { createProNotifications } from "./pro-notifications.js";
import { createPersonKeys, createProV2, headerText } from "./pro-v2.js";
import { createProPin } from "./pro-pin.js";
import { createProNetwork } from "./pro-network.js";
import { createProOnboarding } from "./pro-onboarding.js";
import { createProKeys } from "./pro-keys.js";
import { createProTokens } from "./pro-tokens.js";

const HOUR_MS = 3600000;
const DAY_MS = 86400000;

/**
 * A grant as checked (pro-v2.js): its receipt, the person's key status, or refused.
 * @typedef {{check: import("./pro-v2.js").GrantCheck | null, status: import("./pro-v2.js").KeyStatus | null, refused: boolean}} Verdict
 */

/** @param {any} ctx the helpers app.js gives */
export function createProConsent(ctx) {
  const { S, CONFIG, C, sodium, state, api, show, setStatus, showError, busy, loadScript, categoryLabel } = ctx;
  /** @type {any} */
  let pending = null; // {grant, doc} waiting for the reason the charter asks for
  /** @type {any} */
  let profile = null; // my keys' body: structure_id, profession (GET /professionals/{me}/keys)
  /** @type {any} */
  let charter = null;
  const deposit = createProDeposit(ctx);
  const notices = createProNotifications(ctx);
  // "Inviter une personne" and "Mon certificat" (issue 17, pro-onboarding.js).
  const onboarding = createProOnboarding(ctx);
  // "Changer mes clés": device lost or stolen, key possibly seen (pro-keys.js).
  const keys = createProKeys(ctx);
  // "Accès des logiciels partenaires": personal access tokens (pro-tokens.js).
  const tokens = createProTokens(ctx);
  /** @type {ReturnType<typeof createProV2> | null} */
  let v2 = null;
  const pro = () => (v2 ||= createProV2(sodium, C));
  const pin = createProPin(ctx, { pro, back: (/** @type {string} */ status) => showShared(status) });
  /** @type {Map<string, Verdict>} */
  const verdicts = new Map(); // grant id → what its receipt and the person's key allow
  // Persons followed, hand-over, orienting and relays (issue 16); a relay's documents
  // open through the same pull as "Partagés avec moi".
  const network = createProNetwork(ctx, {
    rootPin: () => rootPin(),
    pull: (/** @type {any} */ grant, /** @type {any} */ doc) => {
      const verdict = assess(grant);
      verdicts.set(grant.id, verdict);
      return startPull(grant, doc, sharedName(verdict, doc), "pro-relay-error");
    },
    // The document's own name when its key opens here, else its category.
    name: (/** @type {any} */ grant, /** @type {any} */ doc) => sharedName(assess(grant), doc),
  });

  // ----------------------------------------------------------------- shared with me

  /** @param {string} notAfter */
  function remaining(notAfter) {
    const left = new Date(notAfter).getTime() - Date.now();
    const until = { date: day(notAfter), time: time(notAfter) };
    if (left >= 2 * DAY_MS) return fill(S.left_days, { n: Math.round(left / DAY_MS), ...until });
    return fill(S.left_hours, { n: Math.max(1, Math.floor(left / HOUR_MS)), ...until });
  }

  // The document's own name, from its encrypted metadata (the key is sealed to me; in
  // a v2 share, only when it is the key the receipt commits to).
  /**
   * @param {Verdict} verdict
   * @param {any} doc
   */
  function sharedName(verdict, doc) {
    let key = null;
    const check = verdict.check || { format: 0, personId: "", personKey: null, keyText: null, entries: new Map() };
    try {
      key = pro().listedKey(check, doc, state.keys);
      if (!key) return categoryLabel(doc.category);
      return title(pro().decryptAnyMetadata(key, C.b64decode(doc.encrypted_metadata)).name);
    } catch {
      return categoryLabel(doc.category);
    } finally {
      if (key) sodium.memzero(key);
    }
  }

  /**
   * The receipt verified and the person's key looked up (remembered the first time).
   * @param {any} grant
   * @returns {Verdict}
   */
  function assess(grant) {
    try {
      const check = pro().checkGrant(grant, state.accountId);
      const status = check.keyText ? createPersonKeys(state.accountId).status(check.personId, check.keyText) : null;
      return { check, status, refused: false };
    } catch {
      return { check: null, status: null, refused: true };
    }
  }

  /**
   * Why a grant's documents do not open on this page, or "".
   * @param {Verdict | undefined} verdict
   * @param {string} person
   */
  function stopped(verdict, person) {
    if (!verdict || verdict.refused) return S.receipt_refused;
    if (verdict.status === "changed") return fill(S.person_key_changed, { person });
    return "";
  }

  /**
   * The person's pin line and its button ("Comparer le code de …").
   * @param {any} grant
   * @param {Verdict} verdict
   * @param {string} headingId
   */
  function pinLine(grant, verdict, headingId) {
    const person = grant.person_login;
    const check = /** @type {import("./pro-v2.js").GrantCheck} */ (verdict.check);
    const said = verdict.status === "verified" ? S.pin_verified : S.pin_not_compared;
    const compare = button(fill(S.compare_pin, { person }), () =>
      pin.ask({
        personId: check.personId,
        person,
        key: /** @type {Uint8Array} */ (check.personKey),
        keyText: /** @type {string} */ (check.keyText),
        changed: verdict.status === "changed",
      }),
      verdict.status === "changed" ? "primary" : "",
    );
    compare.setAttribute("aria-describedby", headingId);
    return [verdict.status === "changed" ? null : el("p", { className: "pin-state", text: fill(said, { person }) }), compare];
  }

  /**
   * @param {any} grant
   * @param {number} index
   */
  function grantCard(grant, index) {
    const headingId = `shared-${index}`;
    const card = el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: fill(S.shared_by, { person: grant.person_login }) }),
      el("p", { text: fill(S.grant_purpose, { purpose: grant.purpose_label }) }),
      el("p", { text: remaining(grant.not_after) }),
      el("p", { text: grant.pulls_left === null ? S.pulls_unlimited : fill(S.pulls_left, { n: grant.pulls_left }) }),
    );
    if (grant.blocked) card.append(el("p", { className: "warning", text: grant.blocked }));
    const verdict = assess(grant);
    verdicts.set(grant.id, verdict);
    const stop = stopped(verdict, grant.person_login);
    if (stop) card.append(el("p", { className: "warning", text: stop }));
    if (verdict.status) card.append(el("div", { className: "actions" }, ...pinLine(grant, verdict, headingId)));
    const docs = el("ul", { className: "docs" });
    for (const doc of grant.documents) {
      const name = sharedName(verdict, doc);
      const open = button(fill(S.open_document, { document: name }), () => startPull(grant, doc, name), "primary");
      open.disabled = Boolean(grant.blocked) || Boolean(stop);
      open.setAttribute("aria-describedby", headingId);
      docs.append(el("li", {}, el("p", { className: "doc-meta", text: categoryLabel(doc.category) }), open));
    }
    card.append(docs);
    card.append(el("div", { className: "actions" }, deposit.depositButton(grant, headingId)));
    return card;
  }

  async function showShared(status = "", options = {}) {
    try {
      const { grants } = await (await api("GET", "/shared-with-me")).json();
      verdicts.clear();
      const list = byId("shared-list");
      if (!grants.length) list.replaceChildren(el("p", { text: S.nothing_shared }));
      else list.replaceChildren(el("ul", { className: "cards" }, ...grants.map(grantCard)));
      showError("shared-error", "");
      show("shared", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  // ---------------------------------------------------------------------- one pull

  let pulling = false; // one pull at a time: a double tap must not count twice

  /**
   * @param {any} grant
   * @param {any} doc
   * @param {string} name
   * @param {string} [errorId] the error line of the screen the pull starts from
   */
  function startPull(grant, doc, name, errorId = "shared-error") {
    if (pulling) return;
    showError(errorId, "");
    // Nothing is asked of the server (no pull counted) for a share this page refuses.
    const stop = stopped(verdicts.get(grant.id), grant.person_login);
    if (stop) return showError(errorId, stop);
    if (!grant.reason_required) return pull(grant, doc, name, null, errorId);
    pending = { grant, doc, name };
    /** @type {HTMLFormElement} */ (byId("pull-reason-form")).reset();
    showError("pull-reason-error", "");
    show("pull-reason");
  }

  /** @param {SubmitEvent} event */
  async function onReason(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (!pending) return showShared();
    const reason = form.reason.value.trim();
    if (reason.length < 3 || reason.length > 300) return showError("pull-reason-error", S.reason_length);
    busy(form, true);
    try {
      await pull(pending.grant, pending.doc, pending.name, reason, "pull-reason-error");
    } finally {
      busy(form, false);
    }
  }

  /** @param {Uint8Array[]} chunks */
  function concatenate(chunks) {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
      sodium.memzero(chunk);
    }
    return out;
  }

  // POST …/pull: the server records it and tells the person before sending anything.
  /**
   * @param {any} grant
   * @param {any} doc
   * @param {string} name
   * @param {string | null} reason
   * @param {string} errorId
   */
  async function pull(grant, doc, name, reason, errorId) {
    if (pulling) return;
    pulling = true;
    setStatus(S.opening);
    // The copy opened before goes (its pdf.js view ends with it): a refused document
    // never shows behind the refusal what another one showed.
    byId("shared-doc-preview").replaceChildren();
    byId("shared-doc-download").removeAttribute("href");
    /** @type {Uint8Array | null} */
    let plain = null;
    let v2Share = false;
    try {
      const path = `/grants/${grant.id}/documents/${doc.id}/pull`;
      const { response, body } = await download((signal) => api("POST", path, { json: { reason }, signal }), stallMs(CONFIG));
      const sealed = C.b64decode(response.headers.get("Coffre-Sealed-Key") || "");
      const metadataBlob = C.b64decode(response.headers.get("Coffre-Metadata") || "");
      const verdict = /** @type {Verdict} */ (verdicts.get(grant.id));
      let meta;
      if (verdict.check && verdict.check.format === 2) {
        v2Share = true;
        const stream = new Uint8Array(await new Response(body).arrayBuffer());
        ({ metadata: meta, plaintext: plain } = await openBound(verdict.check, doc.id, response, sealed, metadataBlob, stream));
      } else {
        const docKey = C.openSealedKey(sealed, state.keys.boxPublic, state.keys.boxSecret);
        try {
          meta = C.decryptMetadata(docKey, metadataBlob);
          const { chunks, sha256 } = await C.decryptToChunks(docKey, body);
          plain = concatenate(chunks);
          if (sha256 !== meta.sha256) throw new C.DecryptionError("sha256 mismatch");
        } finally {
          sodium.memzero(docKey);
        }
      }
      const mark = watermarkText({
        recipient: grant.professional_name,
        structure: grant.structure_name,
        purpose: grant.purpose_label,
        date: new Date(),
        timeZone: territoryZone(),
      });
      await loadScript(CONFIG.pdflib);
      let stamped;
      try {
        stamped = await stampCopy(window.PDFLib, plain, meta.mime, mark);
      } catch (error) {
        if (error.code === "cannot_watermark") throw new ShownError(S.cannot_watermark, { cause: error });
        throw error;
      }
      const url = URL.createObjectURL(new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (stamped)], { type: "application/pdf" }));
      state.objectUrls.push(url);
      const left = response.headers.get("Coffre-Pulls-Left");
      await showCopy({ name: name || title(meta.name), mark, url, left, stamped });
    } catch (error) {
      setStatus("");
      // In a v2 share every failure of the crypto is the server's doing or a broken copy:
      // the document is refused, and nothing of it is shown.
      let message = error instanceof C.CryptoError ? (v2Share ? S.document_refused : S.decrypt_failed) : messageFor(error, S.unexpected_error);
      if (error instanceof StallError) message = S.pull_stalled;
      showError(errorId, message);
    } finally {
      pulling = false;
      if (plain) plain.fill(0);
    }
  }

  // SPEC §24.4 under the receipt's terms: the binding (or a v2 deposit, signed by a
  // depositor certified up to the territory's root) must be signed by the expected key,
  // name this document, owner and at least the receipt's version, and commit to the
  // receipt's key and ciphertext; then every hash before any key is used.
  /**
   * @param {import("./pro-v2.js").GrantCheck} check
   * @param {string} documentId
   * @param {Response} response
   * @param {Uint8Array} sealedKey
   * @param {Uint8Array} metadataBlob
   * @param {Uint8Array} stream
   */
  async function openBound(check, documentId, response, sealedKey, metadataBlob, stream) {
    const { envelope, signedBy } = pro().readBinding(headerText(C, response.headers.get("Coffre-Binding")));
    const signer = signedBy === "person" ? /** @type {Uint8Array} */ (check.personKey) : await pro().depositorKey(api, signedBy, rootPin());
    const { boxPublic, boxSecret } = state.keys;
    return pro().openShared({ check, documentId, envelope, signer, sealedKey, metadataBlob, stream, boxPublic, boxSecret });
  }

  // The territory's root the depositor's chain is checked against: the one this device
  // confirmed (trust.js), else the one the page was served with (as /charte shows it).
  function rootPin() {
    try {
      const kept = localStorage.getItem("coffre.trustRoot") || "";
      // A v2 pin (SPEC §25.3); a v1 fingerprint of an earlier version is not one.
      return /^[A-Z2-7]{3}( [A-Z2-7]{3}){8}$/.test(kept) ? kept : CONFIG.rootPin;
    } catch {
      return CONFIG.rootPin;
    }
  }

  // The stamped copy is drawn page by page by pdf.js (pdf-view.js, imported only now),
  // since Chrome on Android has no PDF viewer; the download stays either way.
  /** @param {{name: string, mark: string, url: string, left: string | null, stamped: Uint8Array}} copy */
  async function showCopy({ name, mark, url, left, stamped }) {
    byId("shared-doc-title").textContent = name;
    byId("shared-doc-mark").textContent = mark;
    byId("shared-doc-facts").textContent = left === null ? "" : fill(S.pulls_left, { n: left });
    const preview = byId("shared-doc-preview");
    try {
      const { showPdf } = await import("./pdf-view.js");
      const view = await showPdf(CONFIG, stamped, { S, name: fill(S.stamped_copy_of, { document: name }) });
      preview.replaceChildren(view.element);
    } catch {
      preview.replaceChildren(el("p", { text: S.pdf_not_shown }));
    }
    setStatus("");
    const download = /** @type {HTMLAnchorElement} */ (byId("shared-doc-download"));
    download.href = url;
    download.download = fill(S.stamped_file_name, { document: name });
    pending = null;
    show("shared-document");
  }

  // --------------------------------------------------------------- ask for a document

  // Neither select starts on a choice: a first "Choisissez…" line, and the request
  // is not sent until both are chosen.
  function placeholder() {
    const option = el("option", { text: S.choose_in_list });
    option.value = "";
    return option;
  }

  /** @param {string} code */
  function categoriesOf(code) {
    const purpose = charter.purposes.find((/** @type {any} */ p) => p.code === code);
    const select = byId("ask-category");
    select.replaceChildren(
      placeholder(),
      ...(purpose ? purpose.categories : []).map((/** @type {string} */ c) => {
        const option = el("option", { text: categoryLabel(c) });
        option.value = c;
        return option;
      }),
    );
  }

  /** @param {any} request */
  function statusWords(request) {
    /** @type {Record<string, string>} */
    const names = {
      pending: S.request_pending,
      approved: S.request_approved,
      declined: S.request_declined,
      expired: S.request_expired,
    };
    const words = names[request.status] || request.status;
    return request.decline_word ? `${words} ${fill(S.request_word, { word: request.decline_word })}` : words;
  }

  async function showAsk(status = "", options = {}) {
    const form = byId("ask-form");
    showError("ask-error", "");
    try {
      if (!profile) profile = await (await api("GET", `/professionals/${state.accountId}/keys`)).json();
      charter = await (await api("GET", "/charters/current")).json();
      const purposes = charter.purposes.filter((/** @type {any} */ p) => p.professions.includes(profile.profession));
      const select = /** @type {HTMLSelectElement} */ (byId("ask-purpose"));
      select.replaceChildren(
        placeholder(),
        ...purposes.map((/** @type {any} */ p) => {
          const option = el("option", { text: p.label });
          option.value = p.code;
          return option;
        }),
      );
      categoriesOf(select.value);
      const { requests } = await (await api("GET", "/requests")).json();
      const list = byId("sent-list");
      if (!requests.length) list.replaceChildren(el("p", { text: S.no_sent_requests }));
      else {
        const items = requests.map((/** @type {any} */ r) =>
          el(
            "li",
            { className: "card" },
            el("p", { className: "doc-name", text: `${r.person_login || "—"} · ${categoryLabel(r.category)}` }),
            el("p", { text: `${day(r.created_at)} · ${r.purpose_label}` }),
            el("p", {}, el("span", { className: `state ${r.status}`, text: statusWords(r) })),
          ),
        );
        list.replaceChildren(el("ul", { className: "cards" }, ...items));
      }
    } catch (error) {
      showError("ask-error", messageFor(error, S.unexpected_error));
    }
    /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]")).disabled = !profile || !charter;
    show("ask", { status, ...options });
  }

  /** @param {SubmitEvent} event */
  async function onAsk(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const login = form.login.value.trim();
    if (!login) return showError("ask-error", S.ask_login_missing);
    if (!form.purpose.value) return showError("ask-error", S.ask_purpose_missing);
    if (!form.category.value) return showError("ask-error", S.ask_category_missing);
    showError("ask-error", "");
    busy(form, true);
    try {
      await api("POST", "/requests", {
        json: {
          person_login: login,
          structure_id: profile.structure_id,
          purpose: form.purpose.value,
          category: form.category.value,
          message: form.message.value.trim() || null,
          due_on: form.due.value || null,
        },
      });
      form.reset();
      await showAsk(fill(S.request_sent, { person: login }));
    } catch (error) {
      setStatus("");
      showError("ask-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // ------------------------------------------------------------------------ wiring

  byId("pull-reason-form").addEventListener("submit", onReason);
  byId("ask-form").addEventListener("submit", onAsk);
  byId("ask-purpose").addEventListener("change", (event) =>
    categoriesOf(/** @type {HTMLSelectElement} */ (event.target).value),
  );

  return {
    kind: "professional",
    screens: ["shared", "pull-reason", "shared-document", "ask", ...pin.screens, ...deposit.screens, ...notices.screens, ...network.screens, ...onboarding.screens, ...keys.screens, ...tokens.screens],
    enter: { shared: showShared, ask: showAsk, ...deposit.enter, ...notices.enter, ...network.enter, ...onboarding.enter, ...keys.enter, ...tokens.enter },
    actions: { ...deposit.actions, ...notices.actions, ...onboarding.actions, ...keys.actions, ...tokens.actions },
    async home(status = "") {
      if (!(await network.fromGuide())) await showShared(status);
      notices.refreshCount();
      network.refreshCount();
    },
    wipe() {
      network.wipe();
      deposit.wipe();
      notices.wipe();
      pin.wipe();
      onboarding.wipe();
      keys.wipe();
      tokens.wipe();
      verdicts.clear();
      pending = null;
      profile = null;
      charter = null;
      for (const id of ["shared-list", "shared-doc-preview", "sent-list", "ask-purpose", "ask-category"]) {
        byId(id).replaceChildren();
      }
      for (const id of ["shared-doc-title", "shared-doc-mark", "shared-doc-facts"]) {
        byId(id).textContent = "";
      }
      byId("shared-doc-download").removeAttribute("href");
    },
  };
}
