"""Coffre's settings: one pydantic-settings class, prefix ``COFFRE_``, built once at start-up.

Nothing else in the code base reads ``os.environ``; the settings object is passed down.
Every field is documented in docs/SETTINGS.md (a test checks it).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coffre.secrets.keyring import LEGACY_KID, Keyring, SecretKey, parse_keyring

# The development secret is public (it is in this file): refused outside development.
DEVELOPMENT_SECRET_KEY = "coffre-development-secret-key-not-for-production"  # noqa: S105


class WeakSecret(ValueError):
    """A secret of the keyring is the public development one, or too short, outside an
    explicit COFFRE_ENVIRONMENT=development. Names the key id, never the secret."""


class Settings(BaseSettings):
    """Every knob of the server; see docs/SETTINGS.md."""

    # hide_input_in_errors: a refused setting's message must not print the values
    # (the keyring's secrets, S3 and SMTP passwords would reach the start-up log).
    model_config = SettingsConfigDict(
        env_prefix="COFFRE_", extra="ignore", frozen=True, hide_input_in_errors=True
    )

    environment: Literal["development", "test", "production"] = "development"
    secret_key: str = Field(default=DEVELOPMENT_SECRET_KEY, repr=False)
    # The keyring of server secrets (coffre/secrets/keyring.py, docs/THREATS.md):
    # "kid:secret,kid:secret", newest first. When set it replaces COFFRE_SECRET_KEY,
    # which otherwise stands for a one-entry ring with the id "k0".
    secret_keys: str = Field(default="", repr=False)  # never in a printed Settings
    database_url: str = "sqlite:///var/coffre.sqlite3"
    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path = Path("var/objects")
    s3_endpoint: str = "127.0.0.1:8333"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "coffre"
    s3_secure: bool = False
    s3_region: str | None = None
    max_document_bytes: int = Field(default=60 * 1024 * 1024, gt=0)
    # `coffre doctor` (coffre/vault/doctor.py): how often the app removes what crashes
    # left (orphan objects, temp files, unfinished multipart uploads), and how old such
    # a trace must be before it is taken for one (younger: maybe a write in progress).
    doctor_interval_seconds: int = Field(default=3600, ge=60)
    doctor_grace_seconds: int = Field(default=6 * 3600, ge=300)
    session_ttl_seconds: int = Field(default=12 * 3600, gt=60)
    session_idle_seconds: int = Field(default=30 * 60, gt=60)
    # Login throttling (coffre/accounts/throttle.py, docs/THREATS.md): a hard cap of
    # failures per window, per account and (higher: shared computers) per address,
    # and a delay that doubles with each failure past the free ones.
    login_max_failures: int = Field(default=5, gt=0)
    login_window_seconds: int = Field(default=15 * 60, gt=0)
    login_free_failures: int = Field(default=3, ge=0)
    login_address_max_failures: int = Field(default=30, gt=0)
    login_address_free_failures: int = Field(default=10, ge=0)
    login_delay_base_seconds: int = Field(default=10, gt=0)
    login_delay_max_seconds: int = Field(default=15 * 60, gt=0)
    # The name authenticator apps show next to the login (otpauth:// issuer).
    totp_issuer: str = Field(default="Coffre", min_length=1, max_length=40)
    # The audit log's name in its signed checkpoints (C2SP tlog-checkpoint origin): a
    # host-like name without spaces or "+", e.g. "coffre.puy-de-dome.fr/audit".
    audit_origin: str = Field(default="coffre.local/audit", pattern=r"^[A-Za-z0-9._/-]{3,100}$")
    # How often the server signs a checkpoint of the audit log (when it grew), seconds.
    audit_checkpoint_seconds: int = Field(default=300, ge=10)
    # The audit log's own Ed25519 checkpoint key (docs/AUDIT.md, "The checkpoint key"):
    # development and test make one there when it is absent, production refuses to start
    # without it. Changed only with `coffre audit key rotate`.
    audit_key_file: Path = Path("var/audit-checkpoint.key")
    # Who runs the background jobs (coffre/jobs/, docs/JOBS.md): the app's own loop
    # ("inprocess", SQLite or PostgreSQL), or `coffre worker` processes through the
    # PostgreSQL job queue ("worker": the app then runs none).
    jobs: Literal["inprocess", "worker"] = "inprocess"
    # A worker silent (no heartbeat) for this long is taken for dead: another retries
    # the job it was running (coffre/jobs/queue.py).
    jobs_stalled_seconds: int = Field(default=30, ge=3, le=3600)
    # How long an audit entry's body is kept before the retention job (`coffre jobs
    # retention`, hourly) removes it (CNIL délibération 2021-122: 6 months to 1 year).
    audit_retention_days: int = Field(default=365, ge=183, le=365)
    # The other traces the same job removes, in whole days (coffre/retention/,
    # docs/OPERATIONS.md "Retention"): failed logins (never inside the throttling
    # window), sessions after they expired, notification and webhook deliveries after
    # they ended, and what an erased account leaves (its notifications) after erasure.
    login_failures_retention_days: int = Field(default=1, ge=1, le=30)
    sessions_retention_days: int = Field(default=30, ge=1, le=365)
    notification_deliveries_retention_days: int = Field(default=30, ge=1, le=365)
    webhook_deliveries_retention_days: int = Field(default=30, ge=1, le=365)
    erased_accounts_retention_days: int = Field(default=30, ge=1, le=365)
    # How often the retention job runs (its cutoffs move once a day: see
    # coffre/audit/retention.py cutoff_of).
    retention_interval_seconds: int = Field(default=3600, ge=60, le=86400)
    # How many requests one professional may send to one login per day (docs/CONSENT.md).
    requests_per_person_per_day: int = Field(default=3, gt=0, le=50)
    # How long the answer to a request sent with an Idempotency-Key is kept for a retry
    # (api/idempotency.py, docs/PARTNERS.md).
    idempotency_hours: int = Field(default=24, ge=1, le=168)
    # Reminders (coffre/reminders/, docs/REMINDERS.md): how often the job looks for
    # what is due, and how many reminders of their own a person may keep.
    reminders_interval_seconds: int = Field(default=300, ge=10, le=3600)
    reminders_per_person: int = Field(default=100, ge=1, le=1000)
    # The person's organiser (coffre/organiser/, docs/ORGANISER.md): how many notes,
    # contacts and appointments a person may keep.
    organiser_items_per_person: int = Field(default=500, ge=1, le=5000)
    # A directory entry not verified for this many days is flagged to its structure's
    # admin (coffre/directory/, docs/DIRECTORY.md).
    directory_stale_days: int = Field(default=365, ge=30, le=3650)
    # How long a v2 key certificate lasts when the structure admin (or the root)
    # issues or renews it (crypto/SPEC.md §26.2 caps it at 400 days).
    certificate_days: int = Field(default=365, ge=1, le=400)
    # A professional's personal access tokens (coffre/accounts/tokens.py, docs/PARTNERS.md):
    # how many requests one token may make per window (decided in the database, so the
    # limit holds across server processes), the window, and how many tokens in force a
    # professional may hold.
    token_rate_limit: int = Field(default=120, ge=1, le=100_000)
    token_rate_window_seconds: int = Field(default=60, ge=1, le=3600)
    tokens_per_professional: int = Field(default=10, ge=1, le=100)
    # How long a reset with a reset code waits before it replaces the account's keys
    # and destroys the old documents; the person can cancel meanwhile (docs/THREATS.md).
    reset_waiting_days: int = Field(default=7, ge=1, le=30)
    # How long a trusted contact's request for recovery waits before the server releases
    # its share of the key (crypto/SPEC.md §28); the person is told and can refuse.
    # Fixed on each arrangement when the person names the contact (docs/THREATS.md).
    contact_waiting_days: int = Field(default=7, ge=1, le=60)
    # The notification outbox (coffre/notifications/outbox.py, docs/NOTIFICATIONS.md):
    # how often the deliverer runs, how many deliveries one run claims, how long a claim
    # (lease) lasts before another deliverer may take the delivery again, the first
    # retry's wait (doubled at each attempt, at most 6 hours), and when a delivery is
    # given up (attempts, or hours since the event). The professionals' daily digest
    # leaves at this hour of their timezone. At most this many devices per account.
    notifications_deliver_seconds: int = Field(default=30, ge=5, le=3600)
    notifications_batch: int = Field(default=50, ge=1, le=1000)
    notifications_lease_seconds: int = Field(default=300, ge=30, le=3600)
    notifications_retry_seconds: int = Field(default=60, ge=1, le=3600)
    notifications_max_attempts: int = Field(default=8, ge=1, le=30)
    notifications_give_up_hours: int = Field(default=48, ge=1, le=14 * 24)
    notifications_digest_hour: int = Field(default=17, ge=0, le=23)
    push_max_devices: int = Field(default=10, ge=1, le=50)
    # Webhooks per structure (coffre/webhooks/, docs/WEBHOOKS.md): how often the
    # delivery job runs, how many deliveries one run claims, how long a claim (lease)
    # lasts, the first retry's wait (doubled at each attempt, at most 6 hours, longer if
    # the partner's Retry-After asks), the attempts after which a delivery is given up,
    # how long one POST may take (the whole exchange is cut at twice this), and how many
    # endpoints one structure may register.
    webhooks_deliver_seconds: int = Field(default=10, ge=1, le=3600)
    webhooks_batch: int = Field(default=50, ge=1, le=1000)
    webhooks_lease_seconds: int = Field(default=120, ge=10, le=3600)
    webhooks_retry_seconds: int = Field(default=30, ge=1, le=3600)
    webhooks_max_attempts: int = Field(default=8, ge=1, le=30)
    webhooks_timeout_seconds: float = Field(default=10, gt=0, le=60)
    webhooks_per_structure: int = Field(default=5, ge=1, le=50)
    # The territory's identifier (a CODE of crypto/SPEC.md §18.4: lowercase letters,
    # digits, "_" and "-"; e.g. the département "63"). Clients put it in every v2
    # passphrase salt (SPEC §19.2): it must never change once v2 accounts exist.
    territory: str = Field(default="local", pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    # The page gives up on an upload or a download after this long with no byte moving
    # (a silent connection), and offers "Réessayer" (web/static/js/transfer.js).
    web_stall_seconds: int = Field(default=30, ge=1, le=600)
    # Web session cookie: Secure by default (browsers accept it on http://localhost too).
    cookie_secure: bool = True
    # Request bodies (api/body_limits.py, docs/THREATS.md): the largest body of a route
    # that does not stream (JSON), and the pace every body must keep or be cut.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    body_read_timeout_seconds: float = Field(default=30, gt=0)
    body_min_bytes_per_second: int = Field(default=1024, gt=0)
    body_min_rate_grace_seconds: float = Field(default=10, ge=0)
    # Uploads (api/upload.py): threads of their own (per server process), a bounded wait
    # for one, and how many uploads one account or one address may have open at once
    # (counted across every server process, in the database: coffre/uploads/slots.py).
    upload_threads: int = Field(default=16, gt=0, le=256)
    upload_wait_seconds: float = Field(default=15, gt=0)
    uploads_per_account: int = Field(default=4, gt=0)
    uploads_per_address: int = Field(default=12, gt=0)
    # HSTS (Strict-Transport-Security max-age, seconds): None = by environment, one year
    # in production and off elsewhere (a development server on http:// must not pin
    # HTTPS for localhost); 0 turns it off (docs/SETTINGS.md).
    hsts_seconds: int | None = Field(default=None, ge=0, le=2 * 365 * 24 * 3600)
    # The reverse proxies whose X-Forwarded-For/-Proto are believed (cli/server.py,
    # docs/OPERATIONS.md): addresses or networks, comma-separated. Empty, the default:
    # nobody; the connection's peer is the client (per-address login limits count it).
    forwarded_allow_ips: str = ""
    # Metrics and logs (coffre/metrics.py, coffre/logs.py; docs/OPERATIONS.md, "Metrics
    # and logs"). Each process (app, worker) serves its Prometheus metrics on a private
    # port of its own, never through the public app or the proxy: 0 = off. The host to
    # listen on: loopback by default; in compose the container's internal address
    # (0.0.0.0 with no published port). Log lines: one JSON object each ("json"), or
    # plain text ("console"); None = by environment: plain text in development only.
    metrics_port: int = Field(default=0, ge=0, lt=65536)
    metrics_host: str = Field(default="127.0.0.1", min_length=1)
    log_format: Literal["json", "console"] | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # ProConnect (docs/PROCONNECT.md): professionals log in through the state's OpenID
    # federation. Off unless all four are set; the issuer is the provider's base URL
    # (its /.well-known/openid-configuration is read), the redirect URI ends with
    # /api/v1/auth/proconnect/callback and is the one registered with ProConnect.
    proconnect_issuer: str = ""
    proconnect_client_id: str = ""
    proconnect_client_secret: str = ""
    proconnect_redirect_uri: str = ""
    # The ways out (coffre/notifications/channels/, docs/CHANNELS.md). Each send gives up
    # after this long with no answer and is retried later by the outbox.
    channel_timeout_seconds: float = Field(default=10, gt=0, le=120)
    # Web Push: the VAPID private key (PEM); development and test generate one there
    # when it is absent, production refuses to start without it.
    push_vapid_key_file: Path = Path("var/vapid-private.pem")
    # Who the push services may contact about this server (mailto: or https: URL).
    push_vapid_subject: str = Field(
        default="mailto:contact@coffre.invalid", pattern=r"^(mailto:[^@\s]+@[^@\s]+|https://\S+)$"
    )
    push_ttl_seconds: int = Field(default=4 * 24 * 3600, ge=0, le=28 * 24 * 3600)
    push_urgency: Literal["very-low", "low", "normal", "high"] = "normal"
    # SMS: "log" (development: logs that an SMS went, never the number or the text) or
    # "brevo" (Brevo's transactional SMS API; the key from Brevo's SMTP & API page).
    sms_provider: Literal["log", "brevo"] = "log"
    sms_api_key: str = ""
    sms_api_url: str = "https://api.brevo.com/v3"
    # The sender name the phone shows: up to 11 letters or digits, or 15 digits.
    sms_sender: str = Field(default="Coffre", pattern=r"^([A-Za-z0-9]{1,11}|[0-9]{1,15})$")
    # E-mail (professionals, admins): empty host = the log channel stands in.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "Coffre <ne-pas-repondre@coffre.invalid>"
    # Extra certificate authority to trust for the SMTP server (a private relay).
    smtp_ca_file: Path | None = None

    @model_validator(mode="after")
    def _refuse_default_secret_outside_development(self) -> Settings:
        # Production refuses to start with a weak secret, whatever the command; elsewhere
        # the refusal comes when a secret is used (``keyring_entries``), so a command that
        # uses none (an officer's `coffre audit verify --file` on a laptop) still runs.
        if self.environment == "production":
            self._strong_entries(self._entries())
        return self

    def _entries(self) -> list[SecretKey]:
        if self.secret_keys.strip():
            return parse_keyring(self.secret_keys)
        return [SecretKey(LEGACY_KID, self.secret_key.encode("utf-8"))]

    def _strong_entries(self, entries: list[SecretKey]) -> list[SecretKey]:
        # The development secret is public: accepted only where COFFRE_ENVIRONMENT is
        # *set* to "development" (environment variable or argument), never by default,
        # and never in "test" (the tests use their own random secret).
        if self.environment == "development" and "environment" in self.model_fields_set:
            return entries
        for entry in entries:
            if entry.secret == DEVELOPMENT_SECRET_KEY.encode() or len(entry.secret) < 32:
                raise WeakSecret(
                    f"COFFRE_SECRET_KEYS / COFFRE_SECRET_KEY (key {entry.kid!r}): a random value "
                    "of at least 32 characters is required unless COFFRE_ENVIRONMENT=development "
                    "is set (for example: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))')."
                )
        return entries

    @property
    def keyring_entries(self) -> list[SecretKey]:
        """COFFRE_SECRET_KEYS, newest first; or COFFRE_SECRET_KEY as the entry "k0".
        WeakSecret when one is the development secret or short (see above)."""
        return self._strong_entries(self._entries())

    @property
    def keyring(self) -> Keyring:
        return Keyring(self.keyring_entries)

    @field_validator("secret_keys")
    @classmethod
    def _keyring_parses(cls, value: str) -> str:
        if value.strip():
            parse_keyring(value)  # its ValueError names the entry, never the secret
        return value

    @model_validator(mode="after")
    def _refuse_job_workers_on_sqlite(self) -> Settings:
        # Workers need the job queue in PostgreSQL; an app on SQLite told to leave the
        # jobs to workers would run them nowhere (docs/JOBS.md).
        if self.jobs == "worker" and self.is_sqlite:
            raise ValueError(
                "COFFRE_JOBS=worker demande PostgreSQL. Avec la base SQLite intégrée, le "
                "serveur exécute déjà lui-même les tâches de fond : laissez COFFRE_JOBS à "
                "« inprocess » (la valeur par défaut)."
            )
        return self

    @property
    def proconnect_enabled(self) -> bool:
        return all(
            (
                self.proconnect_issuer,
                self.proconnect_client_id,
                self.proconnect_client_secret,
                self.proconnect_redirect_uri,
            )
        )

    @property
    def log_output(self) -> Literal["json", "console"]:
        """The log lines' format: COFFRE_LOG_FORMAT, else plain text in development only."""
        if self.log_format is not None:
            return self.log_format
        return "console" if self.environment == "development" else "json"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def hsts_max_age(self) -> int:
        """Strict-Transport-Security's max-age in seconds; 0 when it is not sent."""
        if self.hsts_seconds is not None:
            return self.hsts_seconds
        return 365 * 24 * 3600 if self.environment == "production" else 0

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        proxies = [item.strip() for item in value.split(",") if item.strip()]
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                # "*" included: anyone could then choose the address the limits count.
                raise ValueError(
                    f"COFFRE_FORWARDED_ALLOW_IPS: {proxy!r} is not an IP address or network; "
                    "name the reverse proxy's address (e.g. 172.30.80.2) or leave it empty."
                ) from None
        return ",".join(proxies)

    @property
    def trusted_proxies(self) -> list[str]:
        """The addresses and networks of COFFRE_FORWARDED_ALLOW_IPS; empty: trust nobody."""
        return self.forwarded_allow_ips.split(",") if self.forwarded_allow_ips else []
