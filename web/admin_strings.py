"""The texts of the territory admin's page script (web/static/js/admin.js), translated on
the server: sentences with {names} the script fills in. No text lives in the script."""

from __future__ import annotations

from collections.abc import Callable

from web.console_strings import login_strings
from web.structure_strings import certification_strings


def admin_strings(_: Callable[[str], str]) -> dict[str, str]:
    # The log-in's and the session's texts are the console's (console-login.js).
    return login_strings(_) | {
        # A certificate's state and the face-to-face certification: the structure page's.
        **certification_strings(_),
        # The structure admins, certified with the root key (admin-certify.js).
        "admins_of_button": _("Ses administrateur·rices"),
        "admins_of": _("Structure : {name}"),
        "admins_none": _(
            "Personne n'a encore rejoint cette structure comme administrateur·rice : "
            "invitez-en un·e."
        ),
        "certify_not_root": _(
            "La clé du territoire a changé et n'est pas celle de votre compte : renouvelez ce "
            "certificat avec la commande « coffre certificate renew » et la nouvelle clé "
            "(--root-file). Rien n'a été signé."
        ),
        # The revocation list (admin-revocations.js, crypto/SPEC.md §26.3).
        "revocations_none": _(
            "Aucun certificat n'est révoqué : il n'y a pas encore de liste à signer."
        ),
        "revocations_waiting": _(
            "À signer : {n} certificat(s) révoqué(s) ne sont pas encore dans la liste. Tant "
            "qu'elle n'est pas signée, les coffres ne le savent pas."
        ),
        "revocations_ending": _(
            "La liste en vigueur prend fin le {date} à {time} : signez la suivante. Sans liste "
            "à jour, les coffres refusent de partager."
        ),
        "revocations_fine": _("La liste n° {sequence} est à jour, jusqu'au {date} à {time}."),
        "revocations_count": _("Certificats révoqués et pas encore terminés : {n}."),
        "revocations_passphrase": _("Écrivez votre phrase secrète pour signer."),
        "revocations_wrong_passphrase": _(
            "Cette phrase secrète n'ouvre pas votre clé. Rien n'a été signé. Réessayez."
        ),
        "revocations_not_root": _(
            "La clé du territoire a changé et n'est pas celle de votre compte : signez la liste "
            "avec la commande « coffre territory revocations sign » et la nouvelle clé. Rien "
            "n'a été signé."
        ),
        "revocations_signed": _(
            "C'est fait : la liste n° {sequence} est signée et publiée, valable jusqu'au {date} "
            "à {time}."
        ),
        "not_officer": _(
            "Cette page est réservée à l'administrateur·rice du territoire. Votre compte n'y a "
            "pas accès : vous avez été déconnecté·e. Pour vos documents, allez sur la page "
            "« Mon coffre »."
        ),
        # Structures and adhesions.
        "adhesions_none": _("Aucune structure n'est encore admise."),
        "in_force": _("Charte en vigueur : version {version}, depuis le {date}."),
        "no_charter": _(
            "Aucune charte n'est en vigueur : aucune structure n'adhère encore. Publiez la "
            "charte pour que les partages soient possibles."
        ),
        "adheres_since": _("Adhère depuis le {date}"),
        "adheres_until": _("Adhère depuis le {since}, jusqu'au {until} (exclu)"),
        "ended_on": _("Adhésion terminée le {date}"),
        "not_yet": _("Adhérera à partir du {date}"),
        "not_adhering": _("N'adhère pas à la charte en vigueur"),
        "not_admitted": _("Dans la charte, mais pas encore admise dans Coffre"),
        "siret": _("SIRET {siret}"),
        "invite_admin_of": _("Inviter un·e administrateur·rice"),
        "end_adhesion_of": _("Mettre fin à l'adhésion"),
        # Admitting.
        "name_missing": _("Écrivez le nom de la structure."),
        "address_missing": _("Écrivez l'adresse de la structure."),
        "kind_missing": _("Choisissez le type de la structure."),
        "siret_format": _(
            "Le SIRET a 14 chiffres (les espaces sont acceptés). Recopiez-le depuis un "
            "document de la structure, ou laissez ce champ vide."
        ),
        "siret_key": _(
            "Ce SIRET n'existe pas : un chiffre est faux (sa clé de contrôle ne correspond "
            "pas). Vérifiez-le chiffre par chiffre sur un document de la structure."
        ),
        "admitted": _("C'est fait : « {name} » est admise."),
        "directory_none": _("Aucune structure du guide ne correspond à « {text} »."),
        "directory_count": _("{n} structure(s) du guide."),
        "directory_pick": _("Reprendre « {name} »"),
        "directory_picked": _(
            "Les informations de « {name} » sont reprises du guide. Choisissez son type, "
            "vérifiez le reste, puis admettez-la."
        ),
        "directory_short": _("Écrivez au moins 2 lettres du nom."),
        # Inviting.
        "display_name_missing": _("Écrivez le nom de la personne invitée."),
        "structure_missing": _("Choisissez la structure."),
        "choose": _("Choisissez…"),
        "invitation_for_admin": _(
            "Invitation pour {name}, administrateur·rice de « {structure} »."
        ),
        "invitation_for_officer": _("Invitation pour {name}, référent·e de la charte."),
        "invitation_expires": _(
            "Elle sert une seule fois et n'est plus valable après le {date} à {time}."
        ),
        # The charter.
        "file_missing": _("Choisissez le fichier de la charte (.toml)."),
        "file_too_large": _(
            "Ce fichier est trop gros pour une charte (256 Kio au plus). Vérifiez que c'est "
            "bien le fichier TOML de la charte."
        ),
        "preview_of": _("Version {version} de la charte, en vigueur le {date}"),
        "preview_invalid": _(
            "Cette charte ne peut pas être publiée : {n} problème(s) à corriger dans le "
            "fichier. Corrigez-le, puis choisissez-le de nouveau."
        ),
        "problem_at": _("À « {where} » : {what}"),
        "compared_with": _("Différences avec la version {version} (en vigueur le {date}) :"),
        "first_charter": _("C'est la première charte du territoire : tout est nouveau."),
        "no_difference": _("Aucune différence de fond avec la version {version}."),
        "purpose_added": _("Finalité ajoutée : {label}"),
        "purpose_removed": _("Finalité retirée : {label}"),
        "purpose_changed": _("Finalité modifiée : {label}"),
        "categories_added": _("Documents ajoutés : {list}"),
        "categories_removed": _("Documents retirés : {list}"),
        "professions_added": _("Professions ajoutées : {list}"),
        "professions_removed": _("Professions retirées : {list}"),
        "days_changed": _("Durée maximale d'un partage : {old} jours → {new} jours"),
        "reason_now_required": _("Motif désormais obligatoire à chaque consultation"),
        "reason_no_longer": _("Motif plus demandé à chaque consultation"),
        "label_changed": _("Nouveau nom : « {new} » (avant : « {old} »)"),
        "description_changed": _("Description modifiée"),
        "structure_added": _("Structure ajoutée : {name}"),
        "structure_removed": _("Structure retirée de la liste : {name}"),
        "structure_ended": _("Fin d'adhésion : {name}, le {date}"),
        "structure_resumed": _("Adhésion reprise : {name}"),
        "structure_changed": _("Dates d'adhésion modifiées : {name}"),
        "relays_added": _("Relais entre structures permis pour : {list}"),
        "relays_removed": _("Plus aucun relais entre structures"),
        "relays_changed": _("Réglages des relais entre structures modifiés"),
        "relay_purposes_added": _("Relais permis en plus pour : {list}"),
        "relay_purposes_removed": _("Relais plus permis pour : {list}"),
        "relay_remind": _("Rappel après {old} jours → {new} jours"),
        "relay_expire": _("Fin d'un relais après {old} jours → {new} jours"),
        "relay_orientations": _("Les orientations permises (de quel type vers quel type) changent"),
        "title_changed": _("Le titre change"),
        "preamble_changed": _("Le préambule change"),
        "published": _(
            "C'est fait : la version {version} de la charte est publiée. Elle s'applique le {date}."
        ),
        "draft_ready": _(
            "Nouvelle version préparée : la version {version}, où l'adhésion de « {name} » "
            "prend fin. Relisez l'aperçu, puis publiez-la."
        ),
        "draft_file": _("charte-version-{version}.toml"),
        "end_date_missing": _("Choisissez la date de fin."),
    }
