"""Bodies of the checkpoints' cosignatures (docs/AUDIT.md, "Cosignatures")."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.types import Count, Text
from coffre.audit.cosigning import CosignerInfo, CosignStatus


class CosignerKeyRequest(BaseModel):
    # ``<name>+<8 hex key ID>+<base64(0x04 || Ed25519 public key)>`` (c2sp.org/signed-note
    # vkey, signature type 0x04), the name being the one ``GET /audit/cosigners`` gives.
    # No min_length: a short key is the domain's cosigner_key_invalid, and a control
    # character is invalid_text whatever the length (api/types.py).
    key: Text = Field(max_length=400)


class CosignerBody(BaseModel):
    name: str
    key: str
    registered_at: datetime
    last_size: int | None
    last_time: datetime | None
    # The last checkpoint this key cosigned, as a signed note with its cosignature lines.
    last_checkpoint: str | None

    @classmethod
    def of(cls, info: CosignerInfo) -> CosignerBody:
        return cls(
            name=info.name,
            key=info.vkey,
            registered_at=info.registered_at,
            last_size=info.last_size,
            last_time=info.last_time,
            last_checkpoint=info.last_checkpoint,
        )


class CosignStatusBody(BaseModel):
    # The latest signed checkpoint, and the largest one a charter officer cosigned.
    latest_size: int
    latest_at: datetime | None
    cosigned_size: int | None
    cosigned_at: datetime | None
    # The cosigned checkpoint as a signed note: the log's signature, then each
    # cosignature line (C2SP tlog-cosignature).
    cosigned_checkpoint: str | None
    covers_latest: bool
    # False when no cosignature is younger than a week (coffre.audit.cosigning.RECENT).
    recent: bool
    cosigners: list[CosignerBody]

    @classmethod
    def of(cls, status: CosignStatus) -> CosignStatusBody:
        return cls(
            latest_size=status.latest_size,
            latest_at=status.latest_at,
            cosigned_size=status.cosigned_size,
            cosigned_at=status.cosigned_at,
            cosigned_checkpoint=status.cosigned_note,
            covers_latest=status.covers_latest,
            recent=status.recent,
            cosigners=[CosignerBody.of(info) for info in status.cosigners],
        )


class CosignRequest(BaseModel):
    size: Count
    # The cosignature line, without its final newline:
    # ``— <name> base64(key ID || time || signature)``.
    cosignature: Text = Field(max_length=400)


class CosignResponse(BaseModel):
    size: int
    time: int
    checkpoint: str
