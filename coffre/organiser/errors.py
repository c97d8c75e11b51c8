"""Errors of the person's organiser. Every code is in docs/ERRORS.md."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound


class OrganiserItemNotFound(NotFound):
    # Also the answer for another account's item, and for a role that keeps none.
    code = "organiser_item_not_found"
    message_fr = "Cet élément de votre carnet n'existe plus. Rechargez la page."


class OrganiserItemVersionConflict(Conflict):
    code = "organiser_item_version_conflict"
    message_fr = (
        "Cet élément a été modifié ailleurs entre-temps (sur un autre appareil ?). "
        "Rechargez la page pour voir la dernière version, puis refaites votre modification."
    )


class OrganiserItemExists(Conflict):
    code = "organiser_item_exists"
    message_fr = "Cet élément est déjà enregistré dans votre carnet. Rechargez la page."


class OrganiserFull(Conflict):
    code = "organiser_full"
    message_fr = (
        "Votre carnet est plein. Supprimez des notes, contacts ou rendez-vous dont vous "
        "n'avez plus besoin, puis recommencez."
    )


class InvalidOrganiserItem(Invalid):
    code = "invalid_organiser_item"
    message_fr = (
        "Cet élément n'a pas pu être enregistré : il n'est pas chiffré comme il faut. "
        "Rechargez la page et recommencez."
    )
