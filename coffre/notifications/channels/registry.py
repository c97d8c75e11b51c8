"""``make_channels``: the ways out, made once at start-up from the settings.

The app and each worker call it once and hand the dict to the outbox; keys are the
channels' stored names. ``push`` is always real (development makes its VAPID key);
``sms`` is Brevo or the log provider; ``email`` is SMTP when ``COFFRE_SMTP_HOST`` is set,
otherwise a log stand-in; ``log`` is always there. A missing piece production needs
raises ``ChannelSetupError`` with what to set, so the server does not start half-deaf.
"""

from __future__ import annotations

from coffre.notifications.channels.base import Channel
from coffre.notifications.channels.email import EmailChannel
from coffre.notifications.channels.log import LogChannel
from coffre.notifications.channels.sms import BrevoSmsChannel, LogSmsChannel
from coffre.notifications.channels.webpush import WebPushChannel
from coffre.settings import Settings


def make_channels(settings: Settings) -> dict[str, Channel]:
    sms: Channel = (
        BrevoSmsChannel(settings) if settings.sms_provider == "brevo" else LogSmsChannel()
    )
    email: Channel = EmailChannel(settings) if settings.smtp_host else LogChannel("email")
    return {
        "push": WebPushChannel(settings),
        "sms": sms,
        "email": email,
        "log": LogChannel(),
    }
