"""The issue's end to end: an access to a document reaches the person outside the app,
once per way they chose (a push received and decrypted by the push endpoint, an SMS
request to the provider), and the professional who chose e-mail gets one e-mail for
the share, with nothing a shared phone's lock screen should not show."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from client import consent
from tests.consent.world import RSA, build_consent_world
from tests.notifications.outbox.reach import choose, coffre_of, deliveries, payloads, subscribe
from tests.notifications.servers import PushEndpoint, SmsProvider, SmtpServer
from tests.structures.world import log_in, material, pinned_root

# What must never leave Coffre: the document's title and file name, the person's,
# the professional's and the structure's names, the purpose, the phone number.
SECRETS = (
    "Fatou",
    "Diallo",
    "carte",
    "identit",
    "Dupont",
    "CCAS",
    "Clermont",
    "RSA",
    "0612345678",
    "612345678",
)


def test_an_access_to_a_document_reaches_the_person_by_push_and_sms_and_the_professional_by_email(
    reach_api: TestClient,
    push_endpoint: PushEndpoint,
    sms_provider: SmsProvider,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    api = reach_api
    cw = build_consent_world(api, tmp_path)
    fatou = material(15, "06 12 34 56 78")
    assert api.post("/api/v1/accounts", json=fatou.signup_body).status_code == 201
    log_in(api, fatou)
    scan = tmp_path / "Carte d'identité de Fatou Diallo.txt"
    scan.write_bytes(b"carte d'identite de Fatou Diallo\n" * 50)
    document = fatou.client(api).upload(
        scan, "identite", box_public_key=fatou.keys.box_public, mime="text/plain"
    )
    phone = subscribe(api, fatou, push_endpoint, "Téléphone de Fatou")
    choose(api, fatou, sms=True)
    pro = cw.professional
    choose(api, pro, email="c.dupont@ccas-clermont.example", email_on=True)

    grant = consent.share(
        fatou.client(api),
        fatou.keys,
        person_id=fatou.account_id,
        professional_id=pro.account_id,
        pinned_root=pinned_root(cw.world.admin),
        purpose=RSA,
        document_ids=[document],
        days=30,
    )
    pulled = api.post(
        f"/api/v1/grants/{grant['id']}/documents/{document}/pull",
        json={"reason": "Instruction RSA"},
        headers=pro.headers,
    )
    assert pulled.status_code == 200, pulled.text
    outbox = coffre_of(api).outbox
    for _ in range(3):  # more runs send nothing more
        outbox.deliver()

    # Exactly one push, decrypted with the keys the test's "browser" made.
    assert push_endpoint.received == 1
    [push] = payloads(push_endpoint, phone)
    assert push == {
        "title": "Coffre",
        "body": "Coffre : un professionnel a ouvert un de vos documents. Ouvrez Coffre pour voir.",
        "url": "/",
    }
    # Exactly one SMS request, to the person's number.
    assert sms_provider.received == 1
    [sms] = sms_provider.messages
    assert sms.recipient == "+33612345678"
    assert "Coffre : un professionnel a ouvert un de vos documents" in sms.content
    # Exactly one e-mail, to the professional, for the share.
    [mail] = smtp_server.mails
    assert mail.rcpt_tos == ["c.dupont@ccas-clermont.example"]
    text = mail.message.get_content()
    assert "des documents ont été partagés avec vous" in text
    # Nothing a lock screen should not show, in any of them.
    sms_text = {k: v for k, v in sms.body.items() if k != "recipient"}
    sent = [
        push_endpoint.messages[0].plaintext.decode(),
        str(sms_text),
        text,
        str(mail.message["Subject"]),
    ]
    for secret in SECRETS:
        assert not any(secret.lower() in part.lower() for part in sent), secret
    # Each in the delivery log, once; the world's other person chose nothing: none.
    assert sorted((d.kind, d.channel, d.state) for d in deliveries(api)) == [
        ("document.pulled", "push", "sent"),
        ("document.pulled", "sms", "sent"),
        ("grant.received", "email", "sent"),
    ]
    own = api.get("/api/v1/notifications/deliveries", headers=fatou.headers).json()
    assert {(d["channel"], d["state"]) for d in own["deliveries"]} == {
        ("push", "sent"),
        ("sms", "sent"),
    }
