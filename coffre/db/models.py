"""Every mapped model, imported once so Alembic and the tests see the whole schema."""

from coffre.accounts.models import Account, LoginFailure, Session
from coffre.db.base import Base
from coffre.vault.models import Document, SealedKey

__all__ = ["Account", "Base", "Document", "LoginFailure", "SealedKey", "Session"]
