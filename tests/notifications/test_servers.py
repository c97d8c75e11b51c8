"""The test servers themselves answer as the real far sides do (so the channels' tests mean
something): the push endpoint decrypts what pywebpush sends, the SMS provider answers
Brevo's own SDK, the SMTP server takes smtplib's mail."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import httpx
import pytest
from brevo import Brevo
from brevo.core.api_error import ApiError
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from tests.notifications.servers import PushEndpoint, SmsProvider, SmtpServer


def test_push_endpoint_decrypts_what_pywebpush_sends(push_endpoint: PushEndpoint) -> None:
    subscription = push_endpoint.subscribe()
    vapid = Vapid02()
    vapid.generate_keys()
    response = webpush(
        subscription,
        data='{"title": "t"}',
        vapid_private_key=vapid,
        vapid_claims={"sub": "mailto:ops@coffre.test"},
        ttl=60,
        timeout=5,
    )
    assert response.status_code == 201
    [message] = push_endpoint.messages_for(subscription)
    assert message.payload == {"title": "t"}
    assert message.headers["ttl"] == "60"


def test_push_endpoint_answers_gone_for_a_forgotten_subscription(
    push_endpoint: PushEndpoint,
) -> None:
    subscription = push_endpoint.subscribe()
    push_endpoint.forget(subscription)
    vapid = Vapid02()
    vapid.generate_keys()
    with pytest.raises(WebPushException) as refused:
        webpush(
            subscription,
            data="x",
            vapid_private_key=vapid,
            vapid_claims={"sub": "mailto:ops@coffre.test"},
            timeout=5,
        )
    assert refused.value.status_code == 410
    assert push_endpoint.messages == []


def test_sms_provider_answers_brevos_sdk(sms_provider: SmsProvider) -> None:
    with httpx.Client(timeout=5) as http:
        _send_through_brevos_sdk(sms_provider, http)


def _send_through_brevos_sdk(sms_provider: SmsProvider, http: httpx.Client) -> None:
    client = Brevo(
        api_key=sms_provider.api_key,
        base_url=sms_provider.base_url,
        max_retries=0,
        httpx_client=http,
    )
    sent = client.transactional_sms.send_transac_sms(
        sender="Coffre", recipient="+33612345678", content="Coffre : test", tag="k1"
    )
    assert sent.message_id > 0
    [request] = sms_provider.messages
    assert request.body == {
        "sender": "Coffre",
        "recipient": "+33612345678",
        "content": "Coffre : test",
        "tag": "k1",
    }
    wrong = Brevo(api_key="wrong", base_url=sms_provider.base_url, max_retries=0, httpx_client=http)
    with pytest.raises(ApiError) as refused:
        wrong.transactional_sms.send_transac_sms(
            sender="Coffre", recipient="+33612345678", content="x"
        )
    assert refused.value.status_code == 401
    with pytest.raises(ApiError) as invalid:
        client.transactional_sms.send_transac_sms(sender="Coffre", recipient="06 12", content="x")
    assert invalid.value.status_code == 400


def test_smtp_server_takes_mail_over_starttls_with_a_login(smtp_server_tls: SmtpServer) -> None:
    assert smtp_server_tls.ca_file is not None
    message = EmailMessage()
    message["From"] = "a@coffre.test"
    message["To"] = "b@coffre.test"
    message["Subject"] = "s"
    message.set_content("corps")
    with smtplib.SMTP(smtp_server_tls.host, smtp_server_tls.port, timeout=5) as client:
        client.starttls(context=ssl.create_default_context(cafile=smtp_server_tls.ca_file))
        client.login(smtp_server_tls.username, smtp_server_tls.password)
        client.send_message(message)
    [mail] = smtp_server_tls.mails
    assert mail.tls and mail.login == "coffre"
    assert mail.message["Subject"] == "s"
