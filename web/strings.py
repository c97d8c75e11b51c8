"""The texts the page's script shows, translated on the server (no text lives in the JS)."""

from __future__ import annotations

from collections.abc import Callable


def N_(text: str) -> str:  # noqa: N802 - gettext "mark only" convention
    return text


# The example the sign-up hint gives (vault/app.html): everyone who read the page knows
# it, so it is refused as a passphrase, in every language of the page (passphrase.js).
PASSPHRASE_EXAMPLE = N_("vélo bleu marché dimanche soleil")


def passphrase_examples() -> list[str]:
    """The hint's example in French and in each translation, for the page to refuse."""
    from web.i18n import LANGUAGES, translations

    return sorted({translations(code).gettext(PASSPHRASE_EXAMPLE) for code in LANGUAGES})


def script_strings(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "working": _("Un instant…"),
        # "Écouter" (listen.js) when the phone has no voice for the page's language.
        "listen_no_voice": _("Ce téléphone n'a pas de voix pour lire cette langue."),
        "keys_wiped": _("Votre coffre est fermé. Rien n'est resté sur cet appareil."),
        "idle_logout": _(
            "Votre coffre s'est fermé, car personne ne l'a utilisé pendant un moment."
        ),
        "passphrase_mismatch": _("Les deux phrases secrètes ne sont pas pareilles."),
        "passphrase_short": _("Votre phrase secrète est trop courte. Mettez au moins 4 mots."),
        "login_missing": _("Écrivez votre pseudonyme ou votre numéro de téléphone."),
        "wrong_credentials": _(
            "L'identifiant ou la phrase secrète n'est pas bon. Vérifiez, puis réessayez."
        ),
        # Back from ProConnect (proconnect.js, docs/PROCONNECT.md).
        "proconnect_hello": _("Bonjour {name}."),
        "proconnect_refused": _(
            "La connexion avec ProConnect n'a pas abouti. Recommencez, ou ouvrez votre "
            "coffre avec votre identifiant et votre phrase secrète."
        ),
        "proconnect_not_linked": _(
            "Votre identité ProConnect n'est liée à aucun compte du coffre. Demandez une "
            "invitation à l'administrateur de votre structure, puis ouvrez son lien et "
            "choisissez « Rejoindre avec ProConnect »."
        ),
        "proconnect_siret_mismatch": _(
            "Dans ProConnect, vous vous êtes connecté·e pour un autre organisme que votre "
            "structure. Recommencez en choisissant l'organisme de votre structure, ou "
            "demandez à son administrateur de vérifier le SIRET enregistré dans le coffre."
        ),
        "proconnect_invitation_refused": _(
            "Ce lien d'invitation ne permet pas de rejoindre avec ProConnect (il a expiré, "
            "ou il est destiné à une personne accompagnée). Demandez une nouvelle invitation "
            "à l'administrateur de votre structure."
        ),
        # The professional's "ProConnect" screen (proconnect.js).
        "proconnect_linked": _(
            "Votre compte est lié à ProConnect depuis le {date}. Vous pouvez vous connecter "
            "avec ProConnect, puis votre phrase secrète."
        ),
        "proconnect_unlinked": _(
            "Votre compte n'est pas lié à ProConnect : vous vous connectez avec votre "
            "pseudonyme et votre phrase secrète. Pour le lier, demandez une invitation à "
            "l'administrateur de votre structure, ouvrez-la et choisissez « Rejoindre avec "
            "ProConnect »."
        ),
        "proconnect_unlink_done": _(
            "C'est fait : votre compte n'est plus lié à ProConnect. Vous vous connectez "
            "avec votre pseudonyme et votre phrase secrète."
        ),
        "proconnect_wrong_passphrase": _(
            "Ce n'est pas la bonne phrase secrète. Le lien avec ProConnect est toujours là."
        ),
        "network_error": _("Pas de connexion. Vérifiez le réseau et réessayez."),
        # A script's own error (never shown as is: it is English and says nothing to the person).
        "unexpected_error": _(
            "Cela n'a pas marché. Réessayez. Si cela recommence, rechargez la page."
        ),
        "upload_failed": _("L'envoi n'a pas marché. Rien n'est enregistré. Vous pouvez réessayer."),
        "upload_done": _("C'est fait : votre document est dans votre coffre."),
        "no_pages": _("Ajoutez au moins une page (photo ou fichier)."),
        "bad_file": _("Ce fichier n'est pas une photo ni un PDF."),
        "too_large": _(
            "Ce document est trop gros. Enlevez des pages, ou choisissez un fichier plus petit."
        ),
        "page": _("Page"),
        "remove": _("Retirer"),
        "expired": _("Périmé depuis le"),
        "expires_soon": _("Bientôt périmé : jusqu'au"),
        "valid_until": _("Valable jusqu'au"),
        "added_on": _("Ajouté le"),
        "empty_vault": _("Votre coffre est vide. Ajoutez votre premier document."),
        "renamed": _("Le nom a été changé."),
        "rename_keeps_extension": _("Écrivez seulement le nom. Le type du fichier ne change pas."),
        "rename_missing": _("Écrivez le nouveau nom du document."),
        "deleted": _("Le document a été supprimé."),
        # A row of the list and its actions, without opening the document (documents.js).
        "doc_actions": _("Actions"),
        "rename": _("Renommer"),
        "share": _("Partager"),
        "delete": _("Supprimer"),
        "decrypt_failed": _("Ce document ne peut pas être ouvert. Il a peut-être été abîmé."),
        # Format v2 on the person's side (documents-v2.js, migrate-v2.js): a document
        # whose parts do not belong together, or an older version than one seen.
        "my_document_refused": _(
            "Quelqu'un d'autre que vous a changé ce document. Il n'est pas montré. Ne l'utilisez "
            "pas."
        ),
        "migration_later": _(
            "La mise à jour de sécurité de votre coffre n'a pas pu se faire. Vos documents sont "
            "toujours là. Elle sera refaite la prochaine fois que vous ouvrirez votre coffre."
        ),
        "preparing": _("Préparation des pages…"),
        "encrypting": _("Protection du document…"),
        "sending": _("Envoi…"),
        "opening": _("Ouverture…"),
        # A PDF shown page by page (pdf-view.js): Android phones have no PDF viewer.
        "pdf_page_of": _("Page {n} sur {total}"),
        "pdf_page_label": _("{name}, page {n} sur {total}"),
        "pdf_zoom_group": _("Taille des pages"),
        "pdf_zoom_in": _("Plus grand"),
        "pdf_zoom_out": _("Plus petit"),
        "pdf_page_failed": _("Cette page ne s'affiche pas."),
        "pdf_not_shown": _(
            "Ce document ne s'affiche pas ici. Touchez « Télécharger » pour l'ouvrir "
            "sur votre téléphone."
        ),
        # A heavy PDF of scanned pages made lighter before it leaves (pdf-lighter.js),
        # only if the person asks for it.
        "lighter_offer": _(
            "Ce document est lourd : {size}. Il peut devenir plus léger. Il partira plus "
            "vite et utilisera moins d'internet. Les pages restent lisibles."
        ),
        "lighter_button": _("Rendre ce document plus léger"),
        "lighter_working": _("Le document devient plus léger : page {n} sur {total}…"),
        "lighter_done": _("Avant : {before}. Après : {after}."),
        "lighter_keep_original": _("Garder le document d'origine"),
        "lighter_kept": _("Vous gardez le document d'origine : {size}."),
        "lighter_no_gain": _(
            "Ce document ne devient pas plus léger. Vous gardez le document d'origine."
        ),
        "lighter_failed": _(
            "Ce document n'a pas pu devenir plus léger. Vous gardez le document d'origine."
        ),
        "size_kb": _("{n} Ko"),
        "size_mb": _("{n} Mo"),
        "percent": _("{n} %"),
        # A transfer with no progress for a while (CONFIG.stallSeconds): said, with "Réessayer".
        "upload_stalled": _(
            "L'envoi est bloqué : plus rien ne passe depuis un moment. La connexion est "
            "peut-être coupée. Vérifiez le réseau, puis appuyez sur « Réessayer »."
        ),
        "download_stalled": _(
            "Le document n'arrive plus : plus rien ne passe depuis un moment. La connexion "
            "est peut-être coupée. Vérifiez le réseau, puis appuyez sur « Réessayer »."
        ),
        "download_failed": _(
            "Le document n'a pas pu être chargé. Vérifiez le réseau, puis appuyez sur "
            "« Réessayer »."
        ),
        "waiting_answer": _("C'est envoyé. Attendez la réponse…"),
        "pull_stalled": _(
            "Le document n'arrive plus : plus rien ne passe depuis un moment. La connexion est "
            "peut-être coupée. Vérifiez le réseau, puis ouvrez-le de nouveau."
        ),
        "passphrase_example": _(
            "Cette phrase est l'exemple donné sur cette page : tout le monde la connaît. "
            "Choisissez d'autres mots."
        ),
        "error_prefix": _("Erreur"),
        # Regaining access (the "forgot" and "reset" screens).
        "recovery_code_invalid": _(
            "Ce code de récupération n'est pas bon. Vérifiez chaque lettre et chaque chiffre sur "
            "votre kit."
        ),
        "wrong_recovery": _("L'identifiant ou le code de récupération n'est pas bon."),
        # The recovery kit kept as an image, checked, made again (recovery-kit.js).
        "kit_image_title": _("Mon code de récupération (Coffre)"),
        "kit_image_line": _(
            "Si vous oubliez votre phrase secrète, ce code ouvre votre coffre. Gardez-le "
            "caché. Ne le donnez à personne."
        ),
        "kit_image_login": _("Identifiant :"),
        "kit_image_file": _("code-recuperation-coffre.png"),
        "kit_image_saved": _("L'image est dans vos téléchargements. Ne la montrez à personne."),
        "kit_image_failed": _(
            "L'image n'a pas pu être faite. Écrivez le code sur un papier, ou imprimez-le."
        ),
        "kit_check_group": _("Écrivez les 4 caractères du groupe n°{n}"),
        "kit_check_wrong": _(
            "Ce n'est pas le bon code. Regardez bien votre kit, puis essayez encore."
        ),
        "kit_check_done": _("C'est bon : vous avez gardé votre code de récupération."),
        "kit_again_passphrase_missing": _("Écrivez votre phrase secrète."),
        "kit_again_wrong": _("Ce n'est pas la bonne phrase secrète. Rien n'a changé."),
        "kit_again_done": _("Voici votre nouveau code. L'ancien code ne marche plus."),
        "recovered": _(
            "Votre nouvelle phrase secrète est enregistrée. Tous vos documents sont là. Votre "
            "coffre est fermé sur vos autres appareils."
        ),
        "reset_code_invalid": _(
            "Ce code de réinitialisation est mal écrit. Il a 32 chiffres ou lettres, de A à F."
        ),
        "not_a_reset_code": _(
            "Ceci est votre code de récupération. Ce n'est pas un code de réinitialisation. "
            "Utilisez-le sur l'écran d'avant : vous garderez tous vos documents."
        ),
        "reset_not_understood": _("Cochez la case pour confirmer que vous avez compris."),
        # A reset waits before it replaces anything (person-reset.js, coffre/accounts/reset.py).
        "reset_requested": _(
            "C'est enregistré. Votre nouveau coffre sera prêt le {date} à {time}. Il sera vide. Ce "
            "jour-là, vos anciens documents seront détruits. Personne ne pourra plus jamais les "
            "ouvrir. D'ici là, vous ne pouvez pas entrer dans votre coffre. La personne qui a "
            "l'ancienne phrase secrète ou l'ancien code de récupération peut tout annuler. Gardez "
            "bien ce nouveau code de récupération. Il servira à partir de cette date."
        ),
        "reset_waiting": _(
            "Le {since}, quelqu'un a utilisé un code de réinitialisation pour votre compte. Le "
            "{date} à {time}, votre coffre sera remplacé par un coffre vide. Vos documents seront "
            "détruits. Votre phrase secrète et votre code de récupération ne serviront plus."
        ),
        "reset_code_pending": _(
            "Le {since}, un code de réinitialisation a été créé pour votre compte. Il marche "
            "jusqu'au {date} à {time}. Avec ce code, quelqu'un peut remplacer votre coffre par un "
            "coffre vide. Vous aurez quelques jours pour annuler."
        ),
        "reset_cancelled": _(
            "C'est annulé. Votre coffre, vos documents, votre phrase secrète et votre code de "
            "récupération restent comme avant."
        ),
        # Consent, the person's side (consent-person.js). {names} are filled in the page.
        "choose_one": _("Choisissez une réponse."),
        "choose_some": _("Cochez au moins un document."),
        # Nothing is chosen for the person: "Suivant" with nothing ticked says what to choose.
        "choose_purpose": _(
            "Choisissez la démarche pour laquelle vous partagez, puis « Suivant »."
        ),
        "choose_professional": _(
            "Choisissez la personne qui pourra voir vos documents, puis « Suivant »."
        ),
        "choose_duration": _("Choisissez combien de temps dure le partage, puis « Suivant »."),
        "choose_category": _("Choisissez le type de document, puis « Suivant »."),
        "choose_person": _("Choisissez dans quel coffre déposer le document, puis « Suivant »."),
        "recap_until": _("Le {date} à {time} ({duration})"),
        "recap_pulls": _("{n} au plus"),
        "recap_pulls_any": _("Sans limite pendant le partage"),
        "choose_at_most": _("Vous pouvez partager {n} documents au plus en une fois."),
        "pick_more": _(
            "Ces documents peuvent aussi servir pour « {purpose} ». Cochez ceux à partager."
        ),
        "max_pulls_range": _(
            "Écrivez un nombre de 1 à 100. Ou laissez vide : il n'y aura pas de limite."
        ),
        "share_summary_many": _(
            "{professional}, {structure}, pourra voir vos {n} documents « {document} » pendant "
            "{duration}, pour « {purpose} »."
        ),
        "share_summary_pulls": _("Ouvertures permises en tout : {n} au plus."),
        "share_document": _("Document : « {document} »"),
        "share_no_purpose": _(
            "Ce type de document ne peut pas être partagé ici. Ce sont les règles de votre "
            "territoire."
        ),
        "share_no_professional": _("Personne ne peut recevoir ce document pour cette démarche."),
        "duration_day": _("1 jour"),
        "duration_week": _("1 semaine"),
        "duration_month": _("1 mois"),
        "duration_days": _("{n} jours"),
        "duration_max": _("Le plus long que la charte permet"),
        "share_summary": _(
            "{professional}, {structure}, pourra voir votre « {document} » pendant {duration}, "
            "pour « {purpose} »."
        ),
        "share_ends": _(
            "Le partage s'arrêtera tout seul le {date} à {time}. Vous pouvez l'arrêter avant, "
            "à tout moment, dans « Mes partages »."
        ),
        "sharing": _("Partage en cours…"),
        "share_done": _("C'est fait : {professional} peut voir « {document} »."),
        "share_failed": _(
            "Le partage n'a pas marché. Rien n'a été partagé. Vous pouvez réessayer."
        ),
        "keys_not_certified": _(
            "Votre territoire n'a pas validé l'accès de cette personne au coffre. Par sécurité, "
            "rien n'a été partagé. Prévenez votre structure, ou la personne responsable de la "
            "charte."
        ),
        "root_changed": _(
            "Le code de votre territoire a changé depuis votre vérification. Par sécurité, rien "
            "n'a été partagé. Prévenez la personne responsable de la charte."
        ),
        "root_mismatch": _(
            "Le code de votre territoire ne peut pas être vérifié pour le moment. Par sécurité, "
            "rien n'a été partagé. Prévenez la personne responsable de la charte."
        ),
        # Certificates with a life (trust-v2.js, grant-send.js, person-held.js): what a
        # refusal means for the person, in plain words.
        "pro_revoked": _(
            "Cette personne n'a plus accès au coffre. Sa structure ou le territoire le lui a "
            "retiré. Par sécurité, rien n'a été partagé. Demandez à votre structure à qui vous "
            "adresser."
        ),
        "pro_expired": _(
            "L'accès au coffre de cette personne est fini. Sa structure ne l'a pas encore "
            "renouvelé. Par sécurité, rien n'a été partagé. Vous pourrez partager quand ce sera "
            "fait."
        ),
        "revocations_stale": _(
            "Votre coffre ne peut pas vérifier pour le moment que cette personne a toujours accès "
            "au coffre. Par sécurité, rien n'a été partagé. Réessayez plus tard. Si cela dure, "
            "prévenez la personne responsable de la charte."
        ),
        "root_unchained": _(
            "Attention : le code de votre territoire a changé, et ce changement n'est pas validé. "
            "Ce n'est peut-être pas le vrai coffre. Par sécurité, rien n'a été partagé. Ne confiez "
            "rien. Prévenez la personne responsable de la charte."
        ),
        "notice_access_withdrawn": _(
            "Le {date} à {time}, une personne qui voyait vos documents a perdu son accès au "
            "coffre. Cela touche {n} partage(s). Regardez « Mes partages » pour savoir qui. Vous "
            "pourrez peut-être partager à nouveau."
        ),
        "held_reshare_title": _("{professional} ({structure}) a un nouvel accès au coffre"),
        "held_reshare_text": _(
            "Pour que {professional} puisse encore voir ce que vous avez partagé pour "
            "« {purpose} », partagez-le à nouveau. Le partage garde la même fin : le {date}."
        ),
        "held_reshare": _("Partager à nouveau"),
        "held_reshared": _(
            "C'est fait : {professional} peut de nouveau voir ce que vous avez partagé pour "
            "« {purpose} »."
        ),
        "held_gone_title": _("{professional} ({structure}) n'a plus accès au coffre"),
        "held_gone_text": _(
            "Sa structure ou le territoire lui a retiré son accès. Cette personne ne peut plus "
            "ouvrir ce que vous lui aviez partagé pour « {purpose} ». Elle ne peut plus rien "
            "recevoir de vous. Vous pouvez arrêter ce partage."
        ),
        "held_stop": _("Arrêter ce partage"),
        "grant_purpose": _("Pour « {purpose} »"),
        "grant_documents": _("Document : {documents}"),
        "document_gone": _("{category} (supprimé)"),
        "grant_no_documents": _("Ce partage ne donne plus accès à aucun document."),
        "grant_active": _("En cours jusqu'au {date} à {time}"),
        "grant_expired": _("Terminé le {date}"),
        "grant_revoked": _("Arrêté par vous le {date}"),
        "grant_exhausted": _("Terminé : le nombre d'ouvertures prévu est atteint"),
        "grant_pulls": _("Ouvert {n} fois"),
        # A share's receipt (person-receipt.js, docs/CONSENT.md).
        "receipt_view": _("Voir le reçu"),
        "receipt_with": _("Vous avez partagé avec {professional} ({structure})."),
        "receipt_dates": _("Du {start_date} à {start_time} au {end_date} à {end_time}"),
        "receipt_openings": _("Nombre d'ouvertures permis : {n}"),
        "receipt_openings_free": _("Pas de limite au nombre d'ouvertures"),
        "receipt_good": _(
            "Ce reçu vient bien de vous. Il n'a pas été changé depuis votre partage."
        ),
        "receipt_other": _(
            "Ce reçu n'a pas été fait avec votre coffre d'aujourd'hui (par exemple, avant qu'il "
            "soit remplacé par un coffre vide). Il ne peut pas être vérifié ici."
        ),
        "receipt_bad": _(
            "Attention : ce reçu a été changé, ou ne vient pas de vous. Ne vous y fiez pas et "
            "prévenez l'administration du territoire."
        ),
        "no_grants": _("Vous n'avez encore rien partagé."),
        "revoke": _("Arrêter le partage"),
        "revoke_reencrypt": _("Arrêter et changer la serrure"),
        "reencrypt_hint": _(
            "« Arrêter et changer la serrure » : si quelqu'un a gardé de quoi ouvrir vos "
            "documents, cela ne marchera plus. Les autres partages de ces documents s'arrêtent "
            "aussi."
        ),
        "reencrypting": _("Nouvelle serrure pour « {document} »…"),
        "reencrypt_stalled": _(
            "La nouvelle serrure n'a pas pu être posée. Plus rien ne passe depuis un moment. La "
            "connexion est peut-être coupée. Vérifiez le réseau, puis appuyez sur « Changer la "
            "serrure de ces documents »."
        ),
        "reencrypt_ended": _("Changer la serrure de ces documents"),
        "reencrypt_ended_hint": _(
            "Ce partage est fini. Si quelqu'un a gardé de quoi ouvrir vos documents, une nouvelle "
            "serrure l'en empêche. Ce qui a déjà été ouvert ne peut pas être repris."
        ),
        "reencrypted_done": _(
            "Vos documents ont une nouvelle serrure. {professional} ne peut plus les ouvrir."
        ),
        "revoked_done": _(
            "Le partage est arrêté : {professional} ne peut plus ouvrir vos documents."
        ),
        "revoked_reencrypted": _(
            "Le partage est arrêté. Vos documents ont une nouvelle serrure. {professional} ne peut "
            "plus les ouvrir."
        ),
        "request_asks": _("vous demande : {category}"),
        "request_message": _("Son message : « {message} »"),
        "request_due": _("Souhaité avant le {date}"),
        "request_expires": _("Sans réponse, cette demande s'arrête le {date}."),
        "request_approve": _("Choisir le document à envoyer"),
        "request_decline": _("Refuser"),
        "no_requests": _("Aucune demande en attente."),
        "request_purpose_gone": _(
            "Cette démarche n'est plus dans les règles du territoire. Vous ne pouvez plus accepter "
            "cette demande."
        ),
        "pick_intro": _("{professional} demande : {category}."),
        "pick_none": _(
            "Vous n'avez pas encore de document « {category} ». Ajoutez-le à votre coffre, "
            "puis revenez à cette demande."
        ),
        "decline_intro": _("{professional} vous a demandé : {category}."),
        "declined_done": _("Demande refusée. {professional} va recevoir un message."),
        "notice_pulled": _(
            "{professional} ({structure}) a ouvert votre document « {document} » le {date} à "
            "{time}, pour « {purpose} »."
        ),
        "notice_reason": _("La raison donnée : « {reason} »."),
        # A professional said what came of a share (docs/CONSENT.md, "Outcomes").
        "notice_outcome": _(
            "{professional} ({structure}) a indiqué le {date} à {time} la suite donnée à "
            "votre partage pour « {purpose} » : {outcome}."
        ),
        "outcome_right_opened": _("droit ouvert"),
        "outcome_document_unreadable": _("pièce illisible"),
        "outcome_document_missing": _("pièce manquante"),
        "outcome_next_unreadable": _("Vous pouvez lui partager une copie plus nette."),
        "outcome_next_missing": _("Vous pouvez lui partager la pièce qui manque."),
        "notice_request": _(
            "{professional} vous a demandé un document ({category}) le {date}. Répondez dans "
            "« Demandes reçues »."
        ),
        "notice_deposit": _(
            "{professional} ({structure}) a déposé un document ({category}) dans votre coffre "
            "le {date}."
        ),
        "notice_other": _("Un évènement le {date} à {time}."),
        "notice_reset_code": _(
            "Le {date} à {time}, {issuer} a créé un code de réinitialisation pour votre compte. "
            "Vous n'avez rien demandé ? Alors annulez-le. Le bouton « Annuler la réinitialisation "
            "» est là quand vous ouvrez votre coffre."
        ),
        "notice_reset_requested": _(
            "Le {date} à {time}, quelqu'un a utilisé un code de réinitialisation pour votre "
            "compte. Le {until}, votre coffre sera remplacé par un coffre vide, sauf si vous "
            "annulez."
        ),
        "reset_by_territory": _("l'administration du territoire"),
        "reset_by_operator": _("l'exploitant du service"),
        "reset_by_professional": _("{professional} ({structure})"),
        "new_notice": _("Nouveau"),
        "no_notifications": _("Personne n'a encore ouvert vos documents."),
        # Consent, the professional's side (consent-pro.js).
        "shared_by": _("Partagé par {person}"),
        "left_days": _("Encore {n} jours (jusqu'au {date} à {time})"),
        "left_hours": _("Encore {n} h (jusqu'au {date} à {time})"),
        "pulls_left": _("Ouvertures restantes : {n}"),
        "pulls_unlimited": _("Ouvertures : sans limite pendant le partage"),
        "open_document": _("Ouvrir « {document} »"),
        "nothing_shared": _("Personne ne vous a partagé de document en ce moment."),
        "reason_length": _("Écrivez le motif en quelques mots (3 à 300 caractères)."),
        "cannot_watermark": _(
            "Ce document ne peut pas recevoir le filigrane : il n'est pas affiché. Demandez à la "
            "personne de l'ajouter en PDF ou en photo."
        ),
        "stamped_copy_of": _("Copie marquée de « {document} »"),
        "stamped_file_name": _("{document} - copie marquée.pdf"),
        "ask_login_missing": _("Écrivez le pseudonyme ou le numéro de téléphone de la personne."),
        "choose_in_list": _("Choisissez…"),
        "ask_purpose_missing": _("Choisissez la démarche pour laquelle vous demandez un document."),
        "ask_category_missing": _("Choisissez le document que vous demandez."),
        "request_sent": _(
            "Demande envoyée. Si « {person} » a un coffre, la personne la verra dans ses "
            "demandes reçues."
        ),
        "no_sent_requests": _("Vous n'avez envoyé aucune demande."),
        "request_pending": _("En attente"),
        "request_approved": _("Acceptée"),
        "request_declined": _("Refusée"),
        "request_expired": _("Expirée"),
        "request_word": _("Réponse : « {word} »"),
        # Format v2 on the professional's side (pro-v2.js, pro-pin.js): the receipt,
        # the person's key and pin, a document refused.
        "receipt_refused": _(
            "Le reçu que la personne a signé pour ce partage n'est pas valable : ses documents "
            "ne s'ouvrent pas. Prévenez votre structure."
        ),
        "person_key_changed": _(
            "Attention : la clé de {person} n'est plus celle que vous connaissiez. Rien ne "
            "s'ouvre tant que vous n'avez pas comparé son nouveau code de vérification avec "
            "celui de son téléphone."
        ),
        "pin_not_compared": _("Code de vérification de {person} : pas encore comparé."),
        "pin_verified": _("Code de vérification de {person} : comparé, c'est le bon."),
        "compare_pin": _("Comparer le code de {person}"),
        "pin_title": _("Le code de vérification de {person}"),
        "pin_matched": _("C'est le même code : la clé de {person} est vérifiée."),
        "pin_mismatch": _(
            "Ce n'est pas le même code. N'ouvrez pas les documents de cette personne et "
            "prévenez votre structure : sa clé a peut-être été remplacée."
        ),
        "pin_invalid": _(
            "Ce code est incomplet ou contient une faute de frappe : il a 27 lettres et "
            "chiffres. Relisez-le avec la personne."
        ),
        "document_refused": _(
            "Ce document n'est pas celui que la personne a partagé : il a été modifié ou "
            "remplacé. Il n'est pas affiché. Prévenez la personne et votre structure."
        ),
        # The person's history (person-history.js).
        "hist_when": _("Le {date} à {time}"),
        "hist_document": _("« {title} » ({category})"),
        "hist_document_gone": _("un document « {category} » (supprimé depuis)"),
        "hist_a_document": _("un document « {category} »"),
        "hist_some_document": _("un de vos documents"),
        "hist_purpose": _(", pour « {purpose} »"),
        "hist_pulled": _("{who} a ouvert {documents}{purpose_part}."),
        "hist_reason": _("La raison donnée : « {reason} »."),
        "hist_pull_refused": _("{who} a essayé d'ouvrir {documents} : c'est refusé, {refusal}."),
        "hist_refusal_revoked": _("vous aviez arrêté ce partage"),
        "hist_refusal_expired": _("le partage était fini"),
        "hist_refusal_exhausted": _("le nombre d'ouvertures prévu était atteint"),
        "hist_refusal_conditions": _("les règles de la charte ne le permettaient plus"),
        "hist_shared": _("Vous avez partagé {documents} avec {who}{purpose_part}."),
        "hist_revoked": _("Vous avez arrêté le partage avec {who}{purpose_part}."),
        "hist_outcome": _(
            "{who} a indiqué la suite donnée à votre partage{purpose_part} : {outcome}."
        ),
        "hist_deposit": _("{who} a déposé {documents} dans votre coffre."),
        "hist_request": _("{who} vous a demandé un document ({category}){purpose_part}."),
        "hist_declined": _("Vous avez refusé la demande de {who}{purpose_part}."),
        "hist_upload": _("Vous avez ajouté {documents}."),
        "hist_download": _("Vous avez ouvert {documents}."),
        "hist_reencrypt": _("Vous avez changé la serrure de {documents}."),
        "hist_delete": _("Vous avez supprimé {documents}."),
        "hist_export": _("Vous avez récupéré tout votre coffre."),
        "hist_login": _("Connexion à votre coffre."),
        "hist_login_failed": _(
            "Quelqu'un n'a pas pu entrer dans votre coffre (phrase secrète ou code faux)."
        ),
        # Reminders Coffre sent (coffre/reminders/, docs/REMINDERS.md).
        "hist_reminder_own": _("Coffre vous a envoyé un de vos rappels."),
        "hist_reminder_document": _(
            "Coffre vous a rappelé que {documents} arrive à sa date de fin, le {date}."
        ),
        "hist_reminder_grant": _(
            "Coffre vous a rappelé que votre partage avec {who}{purpose_part} se termine le {date}."
        ),
        "hist_reminder_request": _(
            "Coffre vous a rappelé que {who} attend votre réponse à sa demande de document "
            "({category})."
        ),
        "hist_all_documents": _("Tous les documents"),
        "hist_all_professionals": _("Tous les professionnels"),
        "hist_empty": _("Rien à afficher."),
        "hist_shown": _("{n} ligne(s) affichée(s)."),
        "hist_csv_name": _("historique-coffre.csv"),
        # Under the history: its lines checked against the record the charter officer
        # checked (history-proof.js, docs/AUDIT.md "The person's page"). Plain words.
        "proof_checking": _("Nous vérifions que ces lignes sont bien dans le registre…"),
        "proof_included": _(
            "Ces {n} lignes sont bien dans le registre de Coffre. La personne qui veille au "
            "respect de la charte a contrôlé ce registre le {date}. Personne ne peut plus les "
            "changer ni les effacer sans que cela se voie."
        ),
        "proof_included_one": _(
            "Cette ligne est bien dans le registre de Coffre. La personne qui veille au "
            "respect de la charte a contrôlé ce registre le {date}. Personne ne peut plus la "
            "changer ni l'effacer sans que cela se voie."
        ),
        # One line waiting, or older lines fewer than two: said without a count.
        "proof_waiting_one": _(
            "Les lignes plus anciennes sont bien dans le registre contrôlé le {date}. La plus "
            "récente sera contrôlée bientôt : c'est normal."
        ),
        "proof_waiting_older": _(
            "Les lignes plus anciennes sont bien dans le registre contrôlé le {date}. Les "
            "{waiting} plus récentes seront contrôlées bientôt : c'est normal."
        ),
        "proof_waiting_all": _(
            "Ces lignes sont toutes récentes : elles seront contrôlées bientôt. C'est normal."
        ),
        "proof_waiting": _(
            "{n} lignes sont bien dans le registre contrôlé le {date}. Les {waiting} plus "
            "récentes seront contrôlées bientôt : c'est normal."
        ),
        "proof_not_recent": _(
            "Attention : le registre de Coffre n'a pas été contrôlé depuis plus d'une semaine "
            "(dernier contrôle le {date}). Vos lignes sont là, mais personne ne l'a vérifié "
            "récemment."
        ),
        "proof_never": _(
            "Le registre de Coffre n'a pas encore été contrôlé par la personne qui veille au "
            "respect de la charte."
        ),
        "proof_problem": _(
            "Attention : ces lignes ne correspondent pas au registre contrôlé. Parlez-en à la "
            "personne qui veille au respect de la charte sur votre territoire."
        ),
        "proof_unavailable": _("La vérification du registre n'a pas pu se faire pour le moment."),
        # The full export (person-export.js). The deposit problems are the manifest's
        # words, as the CLI's export writes them (client/export.py).
        "export_asking": _("Préparation de l'export…"),
        "export_document": _("Document {n} sur {total}…"),
        "export_writing": _("Préparation du fichier…"),
        "export_done": _(
            "C'est prêt : {n} document(s) et l'historique. Appuyez sur « Enregistrer le fichier »."
        ),
        "export_failed": _("La récupération n'a pas marché. Vous pouvez réessayer."),
        "export_stalled": _(
            "La récupération n'a pas marché. Plus rien ne passe depuis un moment. La connexion est "
            "peut-être coupée. Vérifiez le réseau, puis appuyez sur « Tout récupérer » pour "
            "recommencer."
        ),
        "export_integrity": _("Un document reçu n'est pas le bon. La récupération est arrêtée."),
        "export_file_name": _("coffre-{date}.zip"),
        "export_deposit_warning": _(
            "Attention : pour un document déposé par un professionnel, on n'a pas pu vérifier qui "
            "l'a envoyé. La liste des documents, dans le fichier, dit lequel."
        ),
        "export_deposit_keys": _(
            "les clés du déposant n'ont pas pu être vérifiées jusqu'à la racine du territoire "
            "(il ou elle a peut-être quitté sa structure)"
        ),
        "export_deposit_signature": _(
            "la signature ne correspond pas aux clés certifiées du déposant"
        ),
        "export_deposit_other": _(
            "la déclaration de dépôt concerne une autre personne ou un autre document"
        ),
        "export_deposit_changed": _(
            "le document a changé depuis le dépôt (re-chiffré) : la signature ne couvre plus "
            "ce contenu"
        ),
        "export_readme": _(
            "Tout votre coffre\n=================\n\nCe fichier contient tous vos documents et "
            "l'historique de votre coffre.\nVos documents sont ouverts : tout le monde peut les "
            "lire.\nGardez ce fichier en lieu sûr.\n\n- documents/ : vos documents, rangés par "
            "type ;\n- history.csv : l'historique (qui a ouvert vos documents, quand, pour quoi,\n "
            "vos partages, les dépôts, les demandes, les connexions), à ouvrir dans un tableur "
            ";\n- history.json : le même historique, pour un programme ;\n- manifest.json : la "
            "liste des documents, vos partages, et d'où viennent les\n  documents déposés par un "
            'professionnel ("verified": true quand c\'est vérifié).\n\nRécupéré le {exported_at} '
            "pour le compte {login}.\n"
        ),
        # The professional's notifications (pro-notifications.js).
        "someone": _("Une personne"),
        "pro_notice_grant": _(
            "{person} vous a partagé des documents pour « {purpose} », le {date} à {time}. "
            "Vous les trouverez dans « Partagés avec moi »."
        ),
        "pro_notice_revoked": _(
            "{person} a arrêté un partage (« {purpose} ») le {date} à {time} : vous ne pouvez "
            "plus ouvrir ces documents."
        ),
        "pro_notice_declined": _(
            "{person} a refusé votre demande ({category}) le {date} à {time}."
        ),
        "pro_no_notifications": _("Aucune notification pour l'instant."),
        # Deposits: the person's check (person-deposits.js), the professional's
        # deposit (pro-deposit.js) through the add screens (app.js).
        "put_in_vault": _("Mettre dans mon coffre"),
        "deposited_by": _("Déposé par {professional} ({structure})"),
        "deposit_checking": _("On vérifie d'où vient ce document…"),
        "deposit_verified": _(
            "C'est vérifié : ce document vient bien de {professional} ({structure}). Personne ne "
            "l'a changé."
        ),
        "deposit_check_first": _(
            "Pour savoir d'où vient ce document, vérifiez d'abord le code de votre territoire."
        ),
        "deposit_not_verified": _(
            "Attention : ce document ne vient peut-être pas de la personne indiquée. Ne lui faites "
            "pas confiance. Prévenez votre structure."
        ),
        # The professional's own certificate, checked before a deposit (pro-deposit.js).
        "deposit_own_expired": _(
            "Votre certificat a pris fin : votre structure doit le renouveler avant que vous "
            "puissiez déposer un document. Rien n'a été envoyé."
        ),
        "deposit_own_revoked": _(
            "Votre certificat a été révoqué : vous ne pouvez plus déposer de document. Voyez "
            "l'administrateur·rice de votre structure. Rien n'a été envoyé."
        ),
        "deposit_own_unchecked": _(
            "Le coffre ne peut pas vérifier votre certificat pour l'instant (liste des "
            "révocations pas à jour, ou clé du territoire non validée). Rien n'a été envoyé. "
            "Réessayez plus tard ; si cela dure, prévenez votre structure."
        ),
        "deposit_keys_not_certified": _(
            "Attention : la personne qui a déposé ce document n'est pas validée par votre "
            "territoire. Elle a peut-être quitté sa structure. On ne peut pas vérifier d'où vient "
            "ce document."
        ),
        "deposit_reencrypted": _(
            "Ce document a changé de serrure après son dépôt. On ne peut plus vérifier d'où il "
            "vient."
        ),
        "deposit_root_changed": _(
            "Le code de votre territoire a changé depuis votre vérification. On ne peut pas "
            "vérifier d'où vient ce document. Prévenez la personne responsable de la charte."
        ),
        "deposit_root_unknown": _(
            "Le code de votre territoire ne peut pas être vérifié pour le moment. On ne peut donc "
            "pas vérifier d'où vient ce document."
        ),
        "deposit_for": _("Pour le coffre de {person}"),
        "deposit_for_button": _("Déposer un document pour {person}"),
        "deposit_send": _("Déposer le document"),
        "deposit_done": _(
            "C'est fait : le document est dans le coffre de {person}. Vous ne pourrez pas le "
            "rouvrir."
        ),
        # A trusted contact (person-contact.js, contact-helper.js; crypto/SPEC.md §28).
        "contact_request_pending": _(
            "{contact} a demandé l'accès de secours à votre coffre, le {asked}. Si vous ne dites "
            "rien, cette personne pourra ouvrir tout votre coffre le {date} à {time}. Si vous "
            "n'êtes pas d'accord, appuyez sur « Refuser »."
        ),
        "contact_current": _(
            "Votre personne de confiance : {contact}, depuis le {since}. Délai d'attente : "
            "{days} jours."
        ),
        "contact_none": _("Vous n'avez pas de personne de confiance."),
        "contact_change": _("Changer de personne de confiance"),
        "contact_choose": _("Choisir une personne de confiance"),
        "contact_choose_kind": _(
            "Choisissez une personne que vous connaissez, ou un professionnel qui vous aide."
        ),
        "contact_pin_invalid": _(
            "Ce code est mal écrit. Il a 27 lettres et chiffres. Relisez-le ensemble."
        ),
        "contact_pin_mismatch": _(
            "Ce n'est pas le même code. Vérifiez l'identifiant et relisez le code ensemble. C'est "
            "bien le code de son téléphone ? Alors ne la choisissez pas, et prévenez votre "
            "structure."
        ),
        "contact_choose_pro": _("Choisissez une personne dans la liste."),
        "contact_warning": _(
            "Cette personne pourra, avec votre accord ou après {days} jours sans réponse de "
            "votre part, ouvrir tout votre coffre."
        ),
        "contact_confirm_who": _("Vous choisissez : {contact}."),
        "contact_not_understood": _(
            "Cochez la case si vous avez compris et si vous faites confiance à cette personne."
        ),
        "contact_passphrase_missing": _("Écrivez votre phrase secrète pour confirmer."),
        "wrong_passphrase_here": _("Ce n'est pas la bonne phrase secrète. Rien n'a été modifié."),
        "contact_named": _(
            "C'est fait : votre personne de confiance est enregistrée, et elle est prévenue."
        ),
        "contact_refused": _(
            "C'est refusé : l'accès de secours ne s'ouvrira pas. Votre personne de confiance "
            "est prévenue."
        ),
        "contact_removed": _("Vous n'avez plus de personne de confiance."),
        "contact_named_me": _("Le {since}, {person} a fait de vous sa personne de confiance."),
        "contact_open": _(
            "Le délai est passé sans refus : vous pouvez aider {person} à retrouver son coffre, "
            "avec elle à côté de vous."
        ),
        "contact_open_button": _("Aider à retrouver le coffre"),
        "contact_waiting": _(
            "Vous avez demandé l'accès de secours le {asked}. Il s'ouvrira le {date} à {time}, "
            "si {person} ne refuse pas."
        ),
        "contact_was_refused": _("{person} a refusé votre demande du {date}."),
        "contact_ask_hint": _(
            "Seulement si {person} a perdu sa phrase secrète et son code de récupération. Elle "
            "sera prévenue tout de suite et pourra refuser pendant {days} jours."
        ),
        "contact_ask": _("Demander l'accès de secours"),
        "contact_nobody": _("Pour le moment, vous n'êtes la personne de confiance d'aucun coffre."),
        "contact_asked": _("C'est demandé. {person} est prévenue."),
        "contact_recover_title": _("Nouvelle phrase secrète pour {person}"),
        "contact_done": _(
            "C'est fait : {person} peut entrer dans son coffre avec sa nouvelle phrase secrète. "
            "Tous ses documents sont là. Voici son nouveau code de récupération :"
        ),
        "contact_keys_refused": _(
            "Ce qui a été reçu ne permet pas d'ouvrir le coffre. Rien n'a été changé. Prévenez la "
            "personne et sa structure."
        ),
        "notice_contact_requested": _(
            "Le {date} à {time}, {contact} a demandé l'accès de secours à votre coffre. Sans "
            "refus de votre part, il s'ouvrira le {until}. Pour refuser : « Une personne de "
            "confiance »."
        ),
        "notice_contact_recovered": _(
            "Le {date} à {time}, avec {contact}, une nouvelle phrase secrète et un nouveau code "
            "de récupération ont été choisis pour votre coffre."
        ),
        "notice_contact_named": _(
            "Le {date} à {time}, {person} a fait de vous sa personne de confiance."
        ),
        "notice_contact_refused": _(
            "Le {date} à {time}, {person} a refusé votre demande d'accès de secours."
        ),
        **network_person_strings(_),
    }


def network_person_strings(_: Callable[[str], str]) -> dict[str, str]:
    """The person's side of the network (issue 16): "Mon référent" (person-referent.js)
    and "Mes orientations" (person-relays.js). Plain words: no "clé", "chiffré"."""
    return {
        "back": _("Retour"),
        "referent_who": _("{professional}, {structure}"),
        "referent_since": _("Depuis le {date}"),
        "referent_none": _("Vous n'avez pas de référent pour le moment."),
        "referent_before": _("{who}, du {from} au {until}"),
        "referent_choose": _("Choisir mon référent"),
        "referent_change": _("Changer de référent"),
        "referent_proposes": _("{professional} propose d'être votre référent."),
        "referent_accept": _("Accepter"),
        "referent_decline": _("Refuser"),
        "referent_accepted": _("C'est fait : {professional} est votre référent."),
        "referent_declined": _("C'est noté : {professional} ne sera pas votre référent."),
        "referent_chosen": _("C'est fait : {professional} est votre référent."),
        "referent_ended": _(
            "C'est fait : {professional} n'est plus votre référent. Ce que vous lui montrez encore "
            "s'arrête à la date prévue. Vous pouvez l'arrêter avant dans « Mes partages »."
        ),
        "referent_expiry_on": _(
            "C'est enregistré : votre référent verra combien de vos papiers arrivent bientôt à "
            "leur fin."
        ),
        "referent_expiry_off": _("C'est enregistré : votre référent ne verra pas ce nombre."),
        "referent_pick_missing": _("Choisissez une personne dans la liste."),
        "referent_pick_change": _("{professional} ne sera plus votre référent."),
        "handover_left": _(
            "Votre référent {from} s'en va. {successor}, {structure}, prend sa place."
        ),
        "handover_replaced": _(
            "Votre référent change : {successor}, {structure}, remplace {from}."
        ),
        "handover_absent": _(
            "Votre référent {from} ne travaille pas jusqu'au {date}. {successor}, {structure}, "
            "prend sa place."
        ),
        "handover_back": _(
            "{successor}, {structure}, est de retour. {successor} peut redevenir votre référent à "
            "la place de {from}."
        ),
        "handover_ask": _(
            "Voulez-vous que {successor} soit votre référent ? {successor} verra alors les mêmes "
            "papiers que {from}, pour les mêmes démarches et jusqu'aux mêmes dates."
        ),
        "handover_ask_alone": _("Voulez-vous que {successor} soit votre référent ?"),
        "handover_regrant": _("{documents} : {purpose}, jusqu'au {date} à {time}"),
        "handover_done": _(
            "C'est fait : {successor} est votre référent. {successor} voit les mêmes papiers que "
            "{from}, jusqu'aux mêmes dates."
        ),
        "handover_done_missed": _(
            "{successor} est votre référent. Mais {n} de vos partages n'ont pas pu être refaits. "
            "Vous pouvez les refaire depuis vos documents."
        ),
        "handover_refused": _("C'est noté : rien n'a changé. {successor} ne voit rien."),
        "relays_none": _("Pour le moment, on ne vous a envoyé vers aucun autre service."),
        "relay_where": _("{service}, {structure}"),
        "relay_by": _("Proposé par {professional}, {structure}"),
        "relay_needs": _("Papiers demandés : {categories}"),
        "relay_expires": _("Sans réponse, la proposition s'arrête le {date} à {time}."),
        "relay_state_waiting": _("Attend votre réponse"),
        "relay_state_agreed": _(
            "Vous avez dit d'accord le {date}. Le service n'a pas encore répondu."
        ),
        "relay_state_taken": _("{professional} a pris le relais le {date}."),
        "relay_state_declined": _("Le service ne peut pas vous recevoir."),
        "relay_state_declined_reason": _(
            "Le service ne peut pas vous recevoir. Il explique : « {reason} »"
        ),
        "relay_state_expired": _("Personne n'a répondu à temps. C'est terminé."),
        "relay_closed_person_refused": _("Vous avez dit non."),
        "relay_closed_by_person": _("Vous avez arrêté cette orientation le {date}."),
        "relay_closed_by_orienting": _("{orienting} a arrêté cette orientation le {date}."),
        "relay_closed_done": _("C'est terminé."),
        "relay_answer": _("Répondre"),
        "relay_details": _("Voir le détail"),
        "relay_share_button": _("Montrer mes papiers à {professional}"),
        "relay_close": _("Arrêter cette orientation"),
        "relay_closed": _("C'est fait : l'orientation vers {service} est arrêtée."),
        "relay_agree_intro": _(
            "{professional}, {from}, vous propose d'aller vers : {service}, {structure}."
        ),
        "relay_need": _("{category} : lequel montrer ?"),
        "relay_need_missing": _(
            "Vous n'avez pas ce papier dans votre coffre. Vous pourrez l'ajouter plus tard."
        ),
        "relay_agreed": _(
            "C'est noté : vous êtes d'accord. {service} va recevoir la demande. Vous aurez un "
            "message quand quelqu'un s'occupera de vous."
        ),
        "relay_refused": _("C'est noté : vous avez dit non. {service} ne recevra rien."),
        "relay_share_title": _("{professional} a pris le relais"),
        "relay_share_who": _(
            "{professional}, {structure}, s'occupe maintenant de votre demande : {purpose}. "
            "Lui montrer vos papiers ?"
        ),
        "relay_shared": _("C'est fait : {professional} peut voir vos papiers."),
        "relay_later": _(
            "Rien n'a été montré. Vous pourrez le faire plus tard dans « Mes orientations »."
        ),
        "relay_note_heading": _("Le mot de {professional}"),
        "relay_return_heading": _("La réponse de {professional}"),
        "notice_referent_proposed": _(
            "Le {date} à {time}, {professional} ({structure}) a proposé d'être votre référent. "
            "Vous répondez dans « Mon référent »."
        ),
        "notice_referent_handover": _(
            "Le {date} à {time} : votre référent {professional} ne peut plus vous suivre. "
            "{successor} peut prendre sa place si vous êtes d'accord. Vous répondez dans « Mon "
            "référent »."
        ),
        "notice_referent_back": _(
            "Le {date} à {time} : {successor} est de retour. Voulez-vous que {successor} "
            "redevienne votre référent ? Vous répondez dans « Mon référent »."
        ),
        "notice_referent_ended": _(
            "Le {date} à {time} : votre référent a quitté sa structure. Vous pouvez en choisir un "
            "autre dans « Mon référent »."
        ),
        "notice_relay_proposed": _(
            "Le {date} à {time}, un professionnel vous a proposé d'aller vers un service. Vous "
            "répondez dans « Mes orientations »."
        ),
        "notice_relay_taken": _(
            "Le {date} à {time}, quelqu'un du service a pris le relais. Vous pouvez lui "
            "montrer vos papiers dans « Mes orientations »."
        ),
        "notice_relay_declined": _(
            "Le {date} à {time}, le service a dit qu'il ne peut pas vous recevoir. Voir "
            "« Mes orientations »."
        ),
        "notice_relay_expired": _(
            "Le {date} à {time}, une orientation s'est arrêtée : personne n'a répondu à temps."
        ),
        "notice_relay_closed": _("Le {date} à {time}, une orientation est terminée."),
        "notice_relay_returned": _(
            "Le {date} à {time}, le service a envoyé une réponse. Lisez-la dans "
            "« Mes orientations »."
        ),
        "notice_relay_changed": _(
            "Le {date} à {time}, une de vos orientations a changé. Voir « Mes orientations »."
        ),
        "relay_note_refused": _(
            "Quelqu'un d'autre que son auteur a changé ce mot. Il n'est pas montré."
        ),
    }
