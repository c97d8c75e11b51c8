// certificates-v2.js: root rotation against crypto/vectors/root_rotation.json (every
// vector has its outcome), and what the page makes (certificates, renewals, revocation
// lists, rotations) verified by the page's own readers (SPEC §26.2–§26.5). Python
// verifies them too: tests/web/test_js_certificates_v2.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { module, sodium, h, toHex, errorOf } from "./helpers.mjs";
import { StaleError } from "../static/js/coffre-crypto-v2.js";
import { createCertificatesV2, DAY_MS } from "../static/js/certificates-v2.js";

const ROTATION = JSON.parse(readFileSync(new URL("../../crypto/vectors/root_rotation.json", import.meta.url), "utf8"));
const ERRORS = {
  InvalidInputError: module.InvalidInputError,
  SignatureError: module.SignatureError,
  UnsupportedVersionError: module.UnsupportedVersionError,
  StaleError,
};
const certs = createCertificatesV2(sodium);
const st = certs.statements;

for (const v of ROTATION.vectors) {
  test(v.name, () => {
    const i = v.inputs;
    const run = () => certs.followRootRotations({ pin: i.pin, root: i.root, links: i.links, now: new Date(i.now), minRotation: i.min_rotation });
    const errorName = ROTATION.outcomes[v.outcome];
    if (errorName === null) {
      const r = run();
      assert.equal(r.pin, v.expected.pin);
      assert.equal(toHex(r.signPublic), v.expected.sign_public);
      assert.equal(r.sequence, v.expected.sequence);
      assert.equal(r.changed, v.expected.changed);
    } else {
      assert.throws(run, errorOf(ERRORS[errorName]));
    }
  });
}

test("every root rotation outcome is covered", () => {
  assert.deepEqual(new Set(ROTATION.vectors.map((v) => v.outcome)), new Set(Object.keys(ROTATION.outcomes)));
});

const T0 = new Date("2026-03-01T08:00:00Z");
const at = (days) => new Date(T0.getTime() + days * DAY_MS);
const id = (n) => n.toString(16).padStart(32, "0");
function keys(n) {
  const seed = new Uint8Array(32).fill(n);
  const pair = sodium.crypto_sign_seed_keypair(seed);
  const box = sodium.crypto_box_seed_keypair(seed);
  return { seed, sign: pair.publicKey, box: box.publicKey };
}
function rootOf(k, issuedAt = T0) {
  const statement = { v: 2, type: "coffre/trust-root", territory: "puy-de-dome", box_public_key: sodium.to_base64(k.box, sodium.base64_variants.URLSAFE_NO_PADDING), sign_public_key: sodium.to_base64(k.sign, sodium.base64_variants.URLSAFE_NO_PADDING), issued_at: issuedAt.toISOString().replace(/\.\d{3}Z$/, "Z") };
  return st.signStatementV2(statement, k.seed);
}

function territory() {
  const rootKeys = keys(1);
  const adminKeys = keys(2);
  const proKeys = keys(3);
  const root = rootOf(rootKeys);
  const admin = certs.issueCertificate({ territory: "puy-de-dome", subject: id(2), role: "structure_admin", structure: id(20), displayName: "Admin", profession: null, boxPublic: adminKeys.box, signPublic: adminKeys.sign, issuer: id(1), issuedAt: T0 }, rootKeys.seed);
  const pro = certs.issueCertificate({ territory: "puy-de-dome", subject: id(3), role: "professional", structure: id(20), displayName: "Camille Pro", profession: "Assistante sociale", boxPublic: proKeys.box, signPublic: proKeys.sign, issuer: id(2), issuedAt: T0, days: 30 }, adminKeys.seed);
  return { rootKeys, adminKeys, proKeys, root, admin, pro, pin: certs.pinQrPayload(rootKeys.sign) };
}

function check(t, { list, now, minSequence = 1, chain = [t.pro, t.admin] }) {
  return certs.verifyChain({ accountId: id(3), boxPublic: t.proKeys.box, signPublic: t.proKeys.sign, certificates: chain, root: t.root, pin: t.pin, revocationList: list, now, minSequence });
}

test("a professional certified in the page verifies up to the root, until it ends", () => {
  const t = territory();
  const list = certs.signRevocationList({ territory: "puy-de-dome", sequence: 1, revoked: [], issuedAt: T0 }, t.rootKeys.seed);
  const ok = check(t, { list, now: at(10) });
  assert.equal(ok.role, "professional");
  assert.equal(ok.notAfter, at(30).getTime());
  assert.equal(t.pro.statement.not_after, "2026-03-31T08:00:00Z");
  assert.equal(t.admin.statement.not_after, "2027-03-01T08:00:00Z"); // 365 days by default
  assert.equal(certs.readCertificateEnvelope(t.admin).subject, id(2));
  const late = certs.signRevocationList({ territory: "puy-de-dome", sequence: 2, revoked: [], issuedAt: at(29) }, t.rootKeys.seed);
  assert.throws(() => check(t, { list: late, now: at(31) }), errorOf(StaleError));
  const renewed = certs.renewCertificate(t.pro, { issuer: id(2), issuedAt: at(29), days: 365 }, t.adminKeys.seed);
  assert.equal(check(t, { list: late, now: at(31), chain: [renewed, t.admin] }).accountId, id(3));
});

test("a revoked certificate, a rolled back or forged list, an older list: refused", () => {
  const t = territory();
  const revoked = certs.signRevocationList({ territory: "puy-de-dome", sequence: 2, revoked: [certs.certificateId(t.pro), certs.certificateId(t.pro)], issuedAt: T0 }, t.rootKeys.seed);
  assert.equal(revoked.statement.revoked.length, 1);
  assert.throws(() => check(t, { list: revoked, now: at(1) }), errorOf(StaleError));
  const clean = certs.signRevocationList({ territory: "puy-de-dome", sequence: 1, revoked: [], issuedAt: T0 }, t.rootKeys.seed);
  assert.throws(() => check(t, { list: clean, now: at(1), minSequence: 2 }), errorOf(StaleError));
  const forged = certs.signRevocationList({ territory: "puy-de-dome", sequence: 3, revoked: [], issuedAt: T0 }, t.adminKeys.seed);
  assert.throws(() => check(t, { list: forged, now: at(1) }), errorOf(module.SignatureError));
  assert.throws(() => check(t, { list: clean, now: at(32) }), errorOf(StaleError));
  assert.throws(() => certs.signRevocationList({ territory: "puy-de-dome", sequence: 1, revoked: [], issuedAt: T0, nextUpdate: at(32) }, t.rootKeys.seed), errorOf(module.InvalidInputError));
  assert.throws(() => certs.issueCertificate({ ...territory(), territory: "puy-de-dome", subject: id(3), role: "professional", structure: id(20), displayName: "X", profession: null, boxPublic: t.proKeys.box, signPublic: t.proKeys.sign, issuer: id(2), days: 401 }, t.adminKeys.seed), errorOf(module.InvalidInputError));
});

test("a rotation made in the page is followed; an unchained root is refused", () => {
  const t = territory();
  const next = rootOf(keys(9), at(5));
  const link = { rotation: certs.signRootRotation({ previousRoot: t.root.statement, nextRoot: next.statement, sequence: 1, issuedAt: at(5) }, t.rootKeys.seed), root: next };
  const r = certs.followRootRotations({ pin: t.pin, root: t.root, links: [link], now: at(6) });
  assert.equal(r.changed, true);
  assert.equal(r.sequence, 1);
  assert.equal(r.pin, certs.pinQrPayload(keys(9).sign));
  assert.throws(() => certs.followRootRotations({ pin: t.pin, root: t.root, links: [link], now: at(6), minRotation: 1 }), errorOf(StaleError));
  const stranger = rootOf(keys(7), at(5));
  const unchained = { rotation: certs.signRootRotation({ previousRoot: rootOf(keys(8)).statement, nextRoot: stranger.statement, sequence: 1, issuedAt: at(5) }, keys(8).seed), root: stranger };
  assert.throws(() => certs.followRootRotations({ pin: t.pin, root: t.root, links: [unchained], now: at(6) }), errorOf(module.SignatureError));
  const selfSigned = { rotation: certs.signRootRotation({ previousRoot: t.root.statement, nextRoot: stranger.statement, sequence: 1, issuedAt: at(5) }, keys(7).seed), root: stranger };
  assert.throws(() => certs.followRootRotations({ pin: t.pin, root: t.root, links: [selfSigned], now: at(6) }), errorOf(module.SignatureError));
  assert.equal(h("00").length, 1);
});

test("a v2 chain's signatures up to the pinned key, for reading what a professional signed", async () => {
  const { verifyV2Signatures } = await import("../static/js/trust-v2.js");
  const t = territory();
  const b64 = (bytes) => sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);
  const keys = { account_id: id(3), box_public_key: b64(t.proKeys.box), sign_public_key: b64(t.proKeys.sign), certificates: [t.pro, t.admin] };
  assert.equal(verifyV2Signatures(sodium, keys, t.pin).display_name, "Camille Pro");
  assert.equal(verifyV2Signatures(sodium, keys, certs.pinSpoken(t.rootKeys.sign)).subject, id(3));
  assert.throws(() => verifyV2Signatures(sodium, keys, certs.pinQrPayload(keys_(5).sign)), errorOf(module.SignatureError));
  assert.throws(() => verifyV2Signatures(sodium, { ...keys, account_id: id(4) }, t.pin), errorOf(module.SignatureError));
  assert.throws(() => verifyV2Signatures(sodium, { ...keys, box_public_key: b64(keys_(6).box) }, t.pin), errorOf(module.SignatureError));
  // The structure admin's certificate signed by a key of the server's, under its own name.
  const forgedAdmin = { ...t.admin, signer: b64(keys_(7).sign), signature: st.signStatementV2(t.admin.statement, keys_(7).seed).signature };
  assert.throws(() => verifyV2Signatures(sodium, { ...keys, certificates: [t.pro, forgedAdmin] }, t.pin), errorOf(module.SignatureError));
  // A professional certified by the root directly is not a chain the root makes.
  assert.throws(() => verifyV2Signatures(sodium, { ...keys, certificates: [certs.issueCertificate({ ...certs.readCertificateEnvelope(t.pro), role: "professional", issuedAt: T0, notAfter: undefined, days: 30, boxPublic: t.proKeys.box, signPublic: t.proKeys.sign }, t.rootKeys.seed)] }, t.pin), errorOf(module.SignatureError));
});
const keys_ = keys;

test("one trust snapshot fetches the root chain and the list once for several checks, and still refuses", async () => {
  const { createTrustV2, TrustRefused } = await import("../static/js/trust-v2.js");
  const t = territory();
  const b64 = (bytes) => sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);
  const served = {
    "/trust/root/v2": { first: t.root, root: t.root, links: [] },
    "/trust/revocations": { list: certs.signRevocationList({ territory: "puy-de-dome", sequence: 1, revoked: [], issuedAt: T0 }, t.rootKeys.seed) },
  };
  const fetched = [];
  // The page's `api` (http.js request) is the HTTP boundary: answers as the server's.
  const api = async (method, path) => {
    fetched.push(path);
    return new Response(JSON.stringify(served[path]), { status: 200 });
  };
  const trust = createTrustV2(sodium, api);
  const keys = { account_id: id(3), box_public_key: b64(t.proKeys.box), sign_public_key: b64(t.proKeys.sign), certificates: [t.pro, t.admin] };
  const pin = certs.pinSpoken(t.rootKeys.sign);
  const snapshot = trust.snapshot();
  for (let i = 0; i < 3; i += 1) assert.equal((await trust.checkChain(id(3), keys, pin, at(10), snapshot)).leaf.subject, id(3));
  assert.deepEqual(fetched, ["/trust/root/v2", "/trust/revocations"]);
  // Without one, each check fetches both again (the check right before sealing).
  fetched.length = 0;
  await trust.checkChain(id(3), keys, pin, at(10));
  await trust.checkChain(id(3), keys, pin, at(10));
  assert.deepEqual(fetched, ["/trust/root/v2", "/trust/revocations", "/trust/root/v2", "/trust/revocations"]);
  // A snapshot taken after a revocation refuses the professional.
  served["/trust/revocations"] = { list: certs.signRevocationList({ territory: "puy-de-dome", sequence: 2, revoked: [certs.certificateId(t.pro)], issuedAt: at(9) }, t.rootKeys.seed) };
  await assert.rejects(trust.checkChain(id(3), keys, pin, at(10), trust.snapshot()), (error) => error instanceof TrustRefused && error.problem === "revoked");
});
