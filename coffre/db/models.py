"""Every mapped model, imported once so Alembic and the tests see the whole schema."""

from coffre.accounts.models import Account, LoginFailure, Session, TotpCredential
from coffre.accounts.proconnect_models import ProConnectFlow, ProConnectLink
from coffre.accounts.reset_models import PendingReset
from coffre.accounts.token_models import AccessToken, RateWindow
from coffre.audit.cosign_models import AuditCosignature, AuditCosignerKey
from coffre.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from coffre.consent.models import (
    AccessRequest,
    Grant,
    GrantDocument,
    GrantOutcome,
    PublishedCharter,
    Pull,
)
from coffre.contacts.models import ContactRequest, TrustedContact
from coffre.db.base import Base
from coffre.directory.models import DirectoryService, DirectoryStructure, DirectoryWord
from coffre.idempotency.models import IdempotencyRecord
from coffre.notifications.models import (
    Delivery,
    Notification,
    NotificationSettings,
    PushSubscription,
)
from coffre.organiser.models import OrganiserCount, OrganiserItem
from coffre.referents.models import ReferentHandover, ReferentLink
from coffre.relays.models import Relay, RelayDocument, RelayNoteKey
from coffre.reminders.models import Reminder, ReminderCount, ReminderSent
from coffre.secrets.models import ServerSecret
from coffre.structures.models import (
    Invitation,
    Membership,
    ProfessionalProfile,
    Structure,
    TrustRoot,
)
from coffre.uploads.models import UploadSlot
from coffre.vault.models import Document, SealedKey
from coffre.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

__all__ = [
    "AccessToken",
    "RateWindow",
    "AuditCheckpoint",
    "AuditCosignature",
    "AuditCosignerKey",
    "AuditEntry",
    "AuditHead",
    "AccessRequest",
    "Account",
    "ContactRequest",
    "Base",
    "DirectoryService",
    "DirectoryStructure",
    "DirectoryWord",
    "Document",
    "OrganiserCount",
    "OrganiserItem",
    "Grant",
    "GrantDocument",
    "GrantOutcome",
    "IdempotencyRecord",
    "Invitation",
    "LoginFailure",
    "Membership",
    "Delivery",
    "Notification",
    "NotificationSettings",
    "PushSubscription",
    "PendingReset",
    "ProConnectFlow",
    "ProConnectLink",
    "PublishedCharter",
    "ReferentHandover",
    "ReferentLink",
    "Relay",
    "RelayDocument",
    "RelayNoteKey",
    "Reminder",
    "ReminderCount",
    "ReminderSent",
    "ProfessionalProfile",
    "Pull",
    "SealedKey",
    "ServerSecret",
    "Session",
    "Structure",
    "TotpCredential",
    "TrustRoot",
    "TrustedContact",
    "UploadSlot",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookMessage",
]
