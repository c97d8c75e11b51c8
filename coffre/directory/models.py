"""The directory's rows: structures and their services, as the national data·inclusion
schema describes them (https://www.data.inclusion.beta.gouv.fr/).

Each row keeps the validated record as it was imported (``record``, the schema's own
JSON), so an export gives back every field, and the columns the guide shows and the
search reads. A row is known by its producer and the producer's id (``source``,
``source_id``): importing the same file again updates the same rows.

``verified_on`` is the last day someone confirmed the entry (the producer's
``date_maj`` at import, later the structure's admin); entries older than
``COFFRE_DIRECTORY_STALE_DAYS`` are flagged to the structure's admin.

The full-text index (FTS5 on SQLite, a tsvector on PostgreSQL) is not a model: it
is kept by ``coffre.directory.search`` in tables named ``directory_search…``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class DirectoryStructure(Base):
    __tablename__ = "directory_structures"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str] = mapped_column(String(200))
    # The Coffre structure this entry describes (same SIRET, or same id), if any.
    structure_id: Mapped[str | None] = mapped_column(
        ForeignKey("structures.id"), nullable=True, index=True
    )
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True, index=True)
    nom: Mapped[str] = mapped_column(String(150))
    commune: Mapped[str | None] = mapped_column(String(200), nullable=True)
    code_postal: Mapped[str | None] = mapped_column(String(5), nullable=True)
    adresse: Mapped[str | None] = mapped_column(String(500), nullable=True)
    telephone: Mapped[str | None] = mapped_column(String(100), nullable=True)
    courriel: Mapped[str | None] = mapped_column(String(320), nullable=True)
    horaires_accueil: Mapped[str | None] = mapped_column(Text(), nullable=True)
    date_maj: Mapped[date] = mapped_column(Date())
    verified_on: Mapped[date] = mapped_column(Date())
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    record: Mapped[dict[str, Any]] = mapped_column(JSON())


class DirectoryService(Base):
    __tablename__ = "directory_services"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str] = mapped_column(String(200))
    directory_structure_id: Mapped[str] = mapped_column(
        ForeignKey("directory_structures.id"), index=True
    )
    nom: Mapped[str] = mapped_column(String(150), index=True)
    description: Mapped[str] = mapped_column(Text())
    thematiques: Mapped[list[str]] = mapped_column(JSON())
    publics: Mapped[list[str]] = mapped_column(JSON())
    conditions_acces: Mapped[str | None] = mapped_column(Text(), nullable=True)
    modes_mobilisation: Mapped[list[str]] = mapped_column(JSON())
    mobilisation_precisions: Mapped[str | None] = mapped_column(Text(), nullable=True)
    horaires_accueil: Mapped[str | None] = mapped_column(Text(), nullable=True)
    commune: Mapped[str | None] = mapped_column(String(200), nullable=True)
    code_postal: Mapped[str | None] = mapped_column(String(5), nullable=True)
    adresse: Mapped[str | None] = mapped_column(String(500), nullable=True)
    zone_eligibilite: Mapped[list[str]] = mapped_column(JSON())
    # Contacts: shown to professionals only (the public guide gives the address).
    telephone: Mapped[str | None] = mapped_column(String(100), nullable=True)
    courriel: Mapped[str | None] = mapped_column(String(320), nullable=True)
    contact_nom_prenom: Mapped[str | None] = mapped_column(String(200), nullable=True)
    date_maj: Mapped[date] = mapped_column(Date())
    verified_on: Mapped[date] = mapped_column(Date(), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    record: Mapped[dict[str, Any]] = mapped_column(JSON())


class DirectoryWord(Base):
    """Every word of the directory, without accents: where a misspelt query word finds
    its nearest real words (trigram similarity, ``coffre.directory.search``)."""

    __tablename__ = "directory_words"

    word: Mapped[str] = mapped_column(String(100), primary_key=True)
