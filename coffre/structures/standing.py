"""An account's standing in a structure, as the policy needs it."""

from __future__ import annotations

from coffre.policy import Standing
from coffre.structures.models import Membership


def standing_of(membership: Membership | None) -> Standing:
    """Standing from a membership row (none: no standing anywhere)."""
    if membership is None:
        return Standing(structure_id="")
    return Standing(
        structure_id=membership.structure_id,
        role=membership.role,
        certified=membership.certificate is not None,
        active=membership.left_at is None,
    )
