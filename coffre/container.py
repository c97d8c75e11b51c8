"""The application's parts, built once at start-up from the settings and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from coffre.accounts.credentials import Credentials
from coffre.accounts.erasure import ErasureService
from coffre.accounts.recovery import RecoveryService
from coffre.accounts.reset import ResetService
from coffre.accounts.service import AccountService
from coffre.accounts.sessions import SessionService
from coffre.accounts.tokens import TokenService
from coffre.accounts.totp import TotpService
from coffre.audit.console import AuditConsole
from coffre.audit.cosigning import Cosigning
from coffre.audit.exports import Exports
from coffre.audit.history import History
from coffre.audit.log import AuditLog
from coffre.clock import Clock, SystemClock
from coffre.consent.deposits import DepositService
from coffre.consent.grants import GrantService
from coffre.consent.receipts import ReceiptService
from coffre.consent.received import ReceivedGrants
from coffre.consent.requests import RequestService
from coffre.consent.service import CharterService
from coffre.contacts.service import ContactService
from coffre.db.engine import Database, make_engine
from coffre.directory.service import Directory
from coffre.idempotency.service import Idempotency
from coffre.notifications.channels.registry import make_channels
from coffre.notifications.outbox import Outbox
from coffre.notifications.reach import Reach
from coffre.notifications.service import NotificationService
from coffre.organiser.service import OrganiserService
from coffre.referents.service import ReferentService
from coffre.relays.service import RelayService
from coffre.reminders.service import ReminderService
from coffre.settings import Settings
from coffre.storage import ObjectStore, make_object_store
from coffre.structures.bulk import BulkInvitations
from coffre.structures.certificates import CertificateService
from coffre.structures.rotation import KeyRotation
from coffre.structures.service import StructureService
from coffre.vault.doctor import Doctor
from coffre.vault.service import VaultService
from coffre.webhooks.delivery import Deliverer
from coffre.webhooks.service import WebhookService


def object_store(settings: Settings, *, prepare: bool = True) -> ObjectStore:
    """The object store the settings name (``make_object_store``; ``prepare=False``:
    no network call, e.g. a backup that must not create the bucket)."""
    return make_object_store(
        settings.storage_backend,
        local_dir=settings.storage_dir,
        s3_endpoint=settings.s3_endpoint,
        s3_access_key=settings.s3_access_key,
        s3_secret_key=settings.s3_secret_key,
        s3_bucket=settings.s3_bucket,
        s3_secure=settings.s3_secure,
        s3_region=settings.s3_region,
        prepare=prepare,
    )


@dataclass
class Coffre:
    settings: Settings
    db: Database
    store: ObjectStore
    clock: Clock
    accounts: AccountService
    sessions: SessionService
    tokens: TokenService
    totp: TotpService
    vault: VaultService
    doctor: Doctor
    structures: StructureService
    certificates: CertificateService
    key_rotation: KeyRotation
    recovery: RecoveryService
    resets: ResetService
    erasure: ErasureService
    charters: CharterService
    grants: GrantService
    received: ReceivedGrants
    receipts: ReceiptService
    requests: RequestService
    deposits: DepositService
    notifications: NotificationService
    outbox: Outbox
    reach: Reach
    audit: AuditLog
    console: AuditConsole
    cosigning: Cosigning
    history: History
    exports: Exports
    contacts: ContactService
    directory: Directory
    referents: ReferentService
    relays: RelayService
    reminders: ReminderService
    organiser: OrganiserService
    bulk_invitations: BulkInvitations
    webhooks: WebhookService
    webhook_deliverer: Deliverer
    idempotency: Idempotency

    @classmethod
    def build(
        cls, settings: Settings, *, clock: Clock | None = None, store: ObjectStore | None = None
    ) -> Coffre:
        clock = clock or SystemClock()
        db = Database(make_engine(settings.database_url))
        if store is None:
            store = object_store(settings)
        accounts = AccountService(db, settings, clock)
        vault = VaultService(db, store, settings, clock)
        credentials = Credentials(accounts, settings)
        grants = GrantService(db, store, clock)
        audit_log = AuditLog(db, settings, clock)
        history = History(db, clock, grants)
        contacts = ContactService(db, clock, credentials, settings)
        # A completed reset gives the account new keys: its trusted-contact arrangements
        # (its old master key wrapped, or a share sealed to its old key) end.
        referents = ReferentService(db, clock)
        # The ways out (Web Push, SMS, e-mail), made once; the outbox sends through them.
        channels = make_channels(settings)
        reach = Reach(
            db,
            clock,
            settings,
            lambda: getattr(channels.get("push"), "public_key", None),
            AuditConsole(db, settings, clock).pseudonym,
        )
        # The person's reminders end with the account, and with a reset (sealed to old keys).
        reminders = ReminderService(db, clock, max_per_person=settings.reminders_per_person)
        # The person's organiser too: its items were sealed to the keys a reset replaces.
        organiser = OrganiserService(db, clock, max_per_person=settings.organiser_items_per_person)
        resets = ResetService(
            db,
            clock,
            credentials,
            vault,
            settings,
            (contacts.end_for_reset, reminders.end_for_reset, organiser.end_for_reset),
        )
        certificates = CertificateService(db, clock)
        # A professional's personal access tokens; a key rotation ends them for good.
        tokens = TokenService(db, settings, clock)
        return cls(
            settings=settings,
            db=db,
            store=store,
            clock=clock,
            accounts=accounts,
            sessions=SessionService(db, settings, clock),
            tokens=tokens,
            totp=TotpService(db, settings, clock, accounts.throttle),
            vault=vault,
            doctor=Doctor(db, store, clock, timedelta(seconds=settings.doctor_grace_seconds)),
            # A professional who leaves a structure stops being the référent of the
            # persons who chose them there (the persons are told).
            structures=StructureService(
                db,
                accounts,
                clock,
                (referents.end_for_membership,),
                certificate_days=settings.certificate_days,
            ),
            certificates=certificates,
            # A professional's new keys end, as a reset does, what was made with the old.
            key_rotation=KeyRotation(
                db,
                clock,
                credentials,
                certificates,
                (contacts.end_for_reset, tokens.end_for_new_keys),
            ),
            recovery=RecoveryService(db, clock, credentials),
            resets=resets,
            # A reset waiting for an erased account ends with it (its new keys wiped).
            # A trusted-contact arrangement naming or named by it ends too (key wiped).
            erasure=ErasureService(
                db,
                clock,
                credentials,
                vault,
                (
                    resets.void_for_erased,
                    contacts.end_for_erased,
                    referents.end_for_erased,
                    reach.end_for_erased,  # its e-mail address and devices go
                    reminders.end_for_erased,  # the person's reminders go
                    organiser.end_for_erased,  # and their organiser's items
                ),
            ),
            charters=CharterService(db, clock),
            grants=grants,
            received=ReceivedGrants(db, clock, grants),
            receipts=ReceiptService(db, clock),
            requests=RequestService(db, clock, settings.requests_per_person_per_day),
            deposits=DepositService(db, clock, vault),
            notifications=NotificationService(db, clock),
            outbox=Outbox(db, clock, settings, channels),
            reach=reach,
            audit=audit_log,
            console=AuditConsole(db, settings, clock),
            cosigning=Cosigning(db, settings, clock),
            history=history,
            exports=Exports(db, clock, history, grants, audit_log),
            contacts=contacts,
            directory=Directory(db, settings, clock),
            referents=referents,
            relays=RelayService(db, clock),
            reminders=reminders,
            organiser=organiser,
            bulk_invitations=BulkInvitations(db, clock),
            webhooks=WebhookService(db, clock, settings),
            webhook_deliverer=Deliverer(db, clock, settings),
            idempotency=Idempotency(db, clock, timedelta(hours=settings.idempotency_hours)),
        )

    def close(self) -> None:
        self.db.dispose()
