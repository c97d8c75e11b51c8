"""directory of services

The directory of solidarity services (coffre/directory/): structures and services in
the data·inclusion schema, the words of the directory (for misspelt queries), and the
full-text index, which is no model (coffre/directory/search.py):

- SQLite: FTS5 tables: ``directory_search`` over folded, stemmed words, and
  ``directory_search_words`` with the trigram tokenizer over the words (typos).
- PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions, the text search
  configuration ``coffre_french`` (french, with unaccent before the stemmer), a
  tsvector per service in ``directory_search`` (GIN) and a trigram GIN index on the
  words. Both extensions are "trusted" since PostgreSQL 13: the database's owner may
  create them; they are created if missing.

Revision ID: 6f1d2c3b4a59
Revises: 8d2e6f1a4c93
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "6f1d2c3b4a59"
down_revision: str | None = "8d2e6f1a4c93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_structures",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("structure_id", sa.String(32), nullable=True),
        sa.Column("siret", sa.String(14), nullable=True),
        sa.Column("nom", sa.String(150), nullable=False),
        sa.Column("commune", sa.String(200), nullable=True),
        sa.Column("code_postal", sa.String(5), nullable=True),
        sa.Column("adresse", sa.String(500), nullable=True),
        sa.Column("telephone", sa.String(100), nullable=True),
        sa.Column("courriel", sa.String(320), nullable=True),
        sa.Column("horaires_accueil", sa.Text(), nullable=True),
        sa.Column("date_maj", sa.Date(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
            name=op.f("fk_directory_structures_structure_id_structures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_structures")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_directory_structures_source")),
    )
    op.create_index(
        op.f("ix_directory_structures_structure_id"), "directory_structures", ["structure_id"]
    )
    op.create_index(op.f("ix_directory_structures_siret"), "directory_structures", ["siret"])
    op.create_table(
        "directory_services",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("directory_structure_id", sa.String(32), nullable=False),
        sa.Column("nom", sa.String(150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("thematiques", sa.JSON(), nullable=False),
        sa.Column("publics", sa.JSON(), nullable=False),
        sa.Column("conditions_acces", sa.Text(), nullable=True),
        sa.Column("modes_mobilisation", sa.JSON(), nullable=False),
        sa.Column("mobilisation_precisions", sa.Text(), nullable=True),
        sa.Column("horaires_accueil", sa.Text(), nullable=True),
        sa.Column("commune", sa.String(200), nullable=True),
        sa.Column("code_postal", sa.String(5), nullable=True),
        sa.Column("adresse", sa.String(500), nullable=True),
        sa.Column("zone_eligibilite", sa.JSON(), nullable=False),
        sa.Column("telephone", sa.String(100), nullable=True),
        sa.Column("courriel", sa.String(320), nullable=True),
        sa.Column("contact_nom_prenom", sa.String(200), nullable=True),
        sa.Column("date_maj", sa.Date(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["directory_structure_id"],
            ["directory_structures.id"],
            name=op.f("fk_directory_services_directory_structure_id_directory_structures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_services")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_directory_services_source")),
    )
    op.create_index(
        op.f("ix_directory_services_directory_structure_id"),
        "directory_services",
        ["directory_structure_id"],
    )
    op.create_index(op.f("ix_directory_services_nom"), "directory_services", ["nom"])
    op.create_index(
        op.f("ix_directory_services_verified_on"), "directory_services", ["verified_on"]
    )
    op.create_table(
        "directory_words",
        sa.Column("word", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_directory_words")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # The stemmed text is already folded (no accents, lower case): word tokens.
        op.execute(
            "CREATE VIRTUAL TABLE directory_search USING fts5("
            "service_id UNINDEXED, need, place, public, tokenize='unicode61')"
        )
        op.execute(
            "CREATE VIRTUAL TABLE directory_search_words USING fts5(word, tokenize='trigram')"
        )
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE TEXT SEARCH CONFIGURATION coffre_french (COPY = french)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION coffre_french ALTER MAPPING FOR "
        "hword, hword_part, word WITH unaccent, french_stem"
    )
    op.execute(
        "CREATE TABLE directory_search ("
        "service_id VARCHAR(32) PRIMARY KEY "
        "REFERENCES directory_services (id) ON DELETE CASCADE, "
        "document tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX directory_search_document ON directory_search USING gin (document)")
    op.execute(
        "CREATE INDEX directory_search_words_trgm ON directory_words USING gin (word gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE directory_search_words")
        op.execute("DROP TABLE directory_search")
    else:
        op.execute("DROP INDEX directory_search_words_trgm")
        op.execute("DROP TABLE directory_search")
        op.execute("DROP TEXT SEARCH CONFIGURATION coffre_french")
        # The extensions stay: other objects of the database may use them.
    op.drop_table("directory_words")
    op.drop_index(op.f("ix_directory_services_verified_on"), table_name="directory_services")
    op.drop_index(op.f("ix_directory_services_nom"), table_name="directory_services")
    op.drop_index(
        op.f("ix_directory_services_directory_structure_id"), table_name="directory_services"
    )
    op.drop_table("directory_services")
    op.drop_index(op.f("ix_directory_structures_siret"), table_name="directory_structures")
    op.drop_index(op.f("ix_directory_structures_structure_id"), table_name="directory_structures")
    op.drop_table("directory_structures")
