"""Errors of the structures area."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound, Refused


class StructureNotFound(NotFound):
    code = "structure_not_found"
    message_fr = "Cette structure est introuvable."


class InvalidStructure(Invalid):
    code = "invalid_structure"
    message_fr = (
        "Les informations de la structure sont incomplètes : nom, type, adresse et territoire "
        "sont obligatoires."
    )


class InvalidSiret(Invalid):
    # The rule of coffre/structures/siret.py (and of the page and the client).
    code = "invalid_siret"
    message_fr = (
        "Ce SIRET n'existe pas : un SIRET a 14 chiffres (les espaces sont acceptés) et le "
        "dernier est une clé de contrôle, qui ne correspond pas ici ; un chiffre est sans "
        "doute faux. Vérifiez-le chiffre par chiffre sur un document de la structure, ou "
        "laissez ce champ vide."
    )


class SiretTaken(Conflict):
    code = "siret_taken"
    message_fr = "Une structure avec ce SIRET existe déjà."


class InvalidProfession(Invalid):
    code = "invalid_profession"
    message_fr = "Cette catégorie professionnelle n'existe pas. Choisissez-en une dans la liste."


class InvalidInvitation(Refused):
    # Unknown, expired, used, or of another kind: one answer, nothing revealed.
    code = "invalid_invitation"
    message_fr = (
        "Ce code d'invitation n'est pas valable (il a peut-être expiré ou déjà servi). "
        "Demandez-en un nouveau à la personne qui vous l'a donné."
    )


class NotAllowed(Refused):
    code = "not_allowed"
    message_fr = "Votre rôle ne permet pas cette action."


class MembershipNotFound(NotFound):
    code = "membership_not_found"
    message_fr = "Ce membre est introuvable dans cette structure."


class InvalidCertificate(Invalid):
    code = "invalid_certificate"
    message_fr = (
        "La certification ne correspond pas aux clés de ce membre ou n'est pas signée par vous. "
        "Vérifiez l'empreinte avec la personne, puis recommencez."
    )


class ProfessionalNotFound(NotFound):
    code = "professional_not_found"
    message_fr = "Ce ou cette professionnel·le est introuvable."
