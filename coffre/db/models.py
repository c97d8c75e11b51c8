"""Every mapped model, imported once so Alembic and the tests see the whole schema."""

from coffre.accounts.models import Account, LoginFailure, Session, TotpCredential
from coffre.consent.models import PublishedCharter
from coffre.db.base import Base
from coffre.structures.models import (
    Invitation,
    Membership,
    ProfessionalProfile,
    Structure,
    TrustRoot,
)
from coffre.vault.models import Document, SealedKey

__all__ = [
    "Account",
    "Base",
    "Document",
    "Invitation",
    "LoginFailure",
    "Membership",
    "PublishedCharter",
    "ProfessionalProfile",
    "SealedKey",
    "Session",
    "Structure",
    "TotpCredential",
    "TrustRoot",
]
