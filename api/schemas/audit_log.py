"""Bodies of the public audit log routes: proofs and the key history (auditlog/SPEC.md §4).

Hashes are standard base64 (RFC 4648 §4, padded), as in checkpoints, so a verifier
decodes them the same way."""

from __future__ import annotations

import base64

from pydantic import BaseModel, Field

from coffre.audit.served import ConsistencyProof, InclusionProof


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class InclusionProofBody(BaseModel):
    """PATH of RFC 9162 §2.1.3: the entry ``index`` is in the tree of ``size`` entries."""

    index: int
    size: int
    leaf_hash: str = Field(description="base64 of the entry's leaf hash")
    proof: list[str] = Field(description="base64 hashes, the nearest the leaf first")
    checkpoint: str | None = Field(
        description="the signed checkpoint of this size, when the log signed one"
    )

    @classmethod
    def of(cls, proof: InclusionProof) -> InclusionProofBody:
        return cls(
            index=proof.index,
            size=proof.size,
            leaf_hash=_b64(proof.leaf_hash),
            proof=[_b64(h) for h in proof.proof],
            checkpoint=proof.checkpoint,
        )


class ConsistencyProofBody(BaseModel):
    """PROOF of RFC 9162 §2.1.4: the tree of ``new`` entries extends the tree of ``old``."""

    old: int
    new: int
    proof: list[str] = Field(description="base64 hashes")
    checkpoint: str | None = Field(
        description="the signed checkpoint of size new, when the log signed one"
    )

    @classmethod
    def of(cls, proof: ConsistencyProof) -> ConsistencyProofBody:
        return cls(
            old=proof.old,
            new=proof.new,
            proof=[_b64(h) for h in proof.proof],
            checkpoint=proof.checkpoint,
        )


class KeyBody(BaseModel):
    verifier_key: str
    statement: str | None = Field(
        description="the rotation statement signed by the previous key and this one "
        "(null for the first key)"
    )


class KeyHistoryBody(BaseModel):
    """The checkpoint key's history, oldest first (auditlog/SPEC.md §6)."""

    origin: str
    current: str = Field(description="the key the log signs with now")
    history: list[KeyBody]
