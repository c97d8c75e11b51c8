"""Fill web/locale/en/LC_MESSAGES/messages.po from this table (kept with the catalogue).

Translators of other languages work on the .po files directly; this script only
exists because the first English catalogue was written in one go. Run:
    .venv/bin/python scripts/translations_en.py
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

EN = {
    "{n} %": "{n}%",
    # The professional's "Inviter une personne" and "Mon certificat" (_pro_onboarding.html).
    "Code à lire à voix haute :": "Code to read aloud:",
    "Pour aider une personne à ouvrir son coffre sur son propre téléphone : elle scanne ce QR "
    "code, ou vous lui lisez le code. C'est elle, seule, qui choisit sa phrase secrète.": (
        "To help a person open their vault on their own phone: they scan this QR code, or you "
        "read them the code. They alone choose their passphrase."
    ),
    "Pour être certifié·e ou renouvelé·e, lisez ce code à l'administrateur·rice de votre "
    "structure, face à face, ou laissez-le scanner le QR code.": (
        "To be certified or renewed, read this code to your organisation's admin, face to "
        "face, or let them scan the QR code."
    ),
    "Votre certificat est valable jusqu'au {date}. Avant cette date, revoyez "
    "l'administrateur·rice de votre structure : il ou elle le renouvelle après avoir vérifié "
    "votre code avec vous.": (
        "Your certificate is valid until {date}. Before that date, see your organisation's "
        "admin again: they renew it after checking your code with you."
    ),
    "Votre certificat n'a pas de date de fin (ancien format). Votre structure le remplacera "
    "par un certificat daté.": (
        "Your certificate has no end date (old format). Your organisation will replace it with "
        "a dated certificate."
    ),
    "Votre certificat prend fin le {date}, dans moins de 30 jours : demandez dès maintenant à "
    "l'administrateur·rice de votre structure de le renouveler. Sans certificat, plus "
    "personne ne peut vous partager de document.": (
        "Your certificate ends on {date}, in less than 30 days: ask your organisation's admin "
        "to renew it now. Without a certificate, nobody can share documents with you any more."
    ),
    "Vous n'êtes pas encore certifié·e. Montrez ce code à l'administrateur·rice de votre "
    "structure, face à face : il ou elle le compare puis certifie votre clé.": (
        "You are not certified yet. Show this code to your organisation's admin, face to "
        "face: they compare it, then certify your key."
    ),
    # The structure admin's page (issue 17: web/templates/structure/, structure-admin.js).
    "Révoquer un certificat": "Revoke a certificate",
    "À l'instant, plus rien ne peut être partagé à cette clé, et les personnes en sont "
    "averties. L'administration du territoire signe ensuite la liste des révocations. Pour "
    "une personne qui a changé de téléphone ou de clé, certifiez sa nouvelle clé après.": (
        "From now on, nothing can be shared with this key, and persons are told. The "
        "territory's administration then signs the revocation list. For someone who changed "
        "phone or key, certify their new key afterwards."
    ),
    "Clé perdue (phrase secrète et kit perdus)": "Key lost (passphrase and kit lost)",
    "Appareil volé": "Device stolen",
    "A quitté la structure": "Left the organisation",
    "Autre raison": "Other reason",
    "Révoquer": "Revoke",
    "Révoquer le certificat": "Revoke the certificate",
    "Révoquer le certificat de {name}.": "Revoke the certificate of {name}.",
    "Le certificat de {name} est révoqué : plus rien ne peut être partagé à cette clé. "
    "L'administration du territoire en est avertie pour signer la liste.": (
        "The certificate of {name} is revoked: nothing can be shared with this key any more. "
        "The territory's administration is told, to sign the list."
    ),
    "Photographiez le QR code affiché sur son écran": "Photograph the QR code on their screen",
    "Ou écrivez ci-dessous le code qu'elle vous lit à voix haute.": (
        "Or type below the code they read aloud to you."
    ),
    "Aucun QR code lisible sur cette photo. Reprenez-la de plus près, bien à plat, ou écrivez "
    "le code lu à voix haute.": (
        "No readable QR code in this photo. Take it again closer and flat, or type the code "
        "read aloud."
    ),
    "Le QR code correspond à la clé de cette personne. Signez avec votre phrase secrète.": (
        "The QR code matches this person's key. Sign with your passphrase."
    ),
    "Aucun·e professionnel·le pour l'instant : invitez-les.": "No professionals yet: invite them.",
    "Catégorie professionnelle": "Professional category",
    "Ce fichier est trop gros (48 Kio et 200 lignes au plus) : découpez-le.": (
        "This file is too big (48 KiB and 200 rows at most): split it."
    ),
    "Certificat expiré le {date} : plus rien ne peut lui être partagé. Renouvelez-le.": (
        "Certificate expired on {date}: nothing can be shared with them any more. Renew it."
    ),
    "Certificat révoqué : plus rien ne peut lui être partagé avec cette clé.": (
        "Certificate revoked: nothing can be shared with this key any more."
    ),
    "Certificat valable jusqu'au {date}.": "Certificate valid until {date}.",
    "Certificat valable.": "Certificate valid.",
    "Certificat à renouveler : il prend fin le {date}.": "Certificate to renew: it ends on {date}.",
    "Certifier": "Certify",
    "Certifier face à face": "Certify face to face",
    "Certifier la clé de {name}.": "Certify the key of {name}.",
    "Cette page est réservée aux administrateur·rices de structure certifié·es. Votre compte "
    "n'y a pas accès : vous avez été déconnecté·e.": (
        "This page is for certified organisation admins only. Your account cannot use it: you "
        "have been logged out."
    ),
    "Cette page est réservée aux administrateur·rices de structure. Votre compte n'y a pas "
    "accès : vous avez été déconnecté·e. Pour vos documents, allez sur la page « Mon coffre ».": (
        "This page is for organisation admins only. Your account cannot use it: you have been "
        "logged out. For your documents, go to the “My vault” page."
    ),
    "Choisissez d'abord le fichier CSV.": "Choose the CSV file first.",
    "Coffre fait un lien et un QR code à usage unique, valables 7 jours. Coffre n'envoie pas "
    "encore d'e-mail : donnez-les vous-même.": (
        "Coffre makes a single-use link and QR code, valid for 7 days. Coffre does not send "
        "e-mails yet: hand them over yourself."
    ),
    "Coffre n'envoie pas encore d'e-mail : transmettez à chaque personne son lien, par votre "
    "messagerie habituelle. Chaque lien sert une fois et expire dans 7 jours.": (
        "Coffre does not send e-mails yet: send each person their link through your usual "
        "mail. Each link works once and expires in 7 days."
    ),
    "Demandez à la personne d'ouvrir « Mon certificat » sur son propre compte et de lire à "
    "voix haute son code de clé. Il doit être celui-ci :": (
        "Ask the person to open “My certificate” in their own account and read their key "
        "code aloud. It must be this one:"
    ),
    "Fichier CSV (200 lignes au plus)": "CSV file (200 rows at most)",
    "Invitation pour {name}, à lui donner en main propre.": (
        "Invitation for {name}, to hand over in person."
    ),
    "Invitations créées": "Invitations created",
    "Inviter depuis un fichier": "Invite from a file",
    "Inviter un·e professionnel·le": "Invite a professional",
    "Le code lu par la personne": "The code the person reads",
    "Les codes de profession": "The profession codes",
    "Les codes ne correspondent pas : ne certifiez pas. Vérifiez que la personne lit bien "
    "l'écran de son propre compte ; si l'écart persiste, signalez-le.": (
        "The codes do not match: do not certify. Check that the person reads the screen of "
        "their own account; if they still differ, report it."
    ),
    "Les professionnel·les de la structure": "The organisation's professionals",
    "Lien pour {name}": "Link for {name}",
    "Lien à donner": "Link to hand over",
    "Liens d'invitation": "Invitation links",
    "Ligne {row}": "Row {row}",
    "Lignes à corriger": "Rows to correct",
    "Ma structure": "My organisation",
    "Ma structure — Coffre": "My organisation — Coffre",
    "Menu de la structure": "Organisation menu",
    "Nom affiché": "Displayed name",
    "Ou le code à recopier :": "Or the code to type:",
    "Pas encore certifié·e : vérifiez son code face à face.": (
        "Not certified yet: check their code face to face."
    ),
    "Professionnel·les": "Professionals",
    "Renouveler": "Renew",
    "Retirer de la structure": "Remove from the organisation",
    "Retirer {name} de la structure ?": "Remove {name} from the organisation?",
    "Retour aux professionnel·les": "Back to the professionals",
    "Réservée aux administrateur·rices de structure : inviter les professionnel·les, certifier "
    "leur clé, voir leurs certificats, retirer un membre.": (
        "For organisation admins: invite professionals, certify their key, see their "
        "certificates, remove a member."
    ),
    "Un certificat dit aux personnes que la clé d'un·e professionnel·le est bien la sienne. Il "
    "a une fin : renouvelez-le avant, en vérifiant de nouveau son code face à face.": (
        "A certificate tells persons that a professional's key is really theirs. It has an "
        "end: renew it before, checking their code face to face again."
    ),
    "Un fichier CSV : une première ligne « nom;profession;email », puis une ligne par personne. "
    "La profession est un code de la liste ci-dessous. Toutes les lignes sont invitées, ou "
    "aucune : une ligne fausse est signalée, rien n'est créé.": (
        "A CSV file: a first line “nom;profession;email”, then one line per person. The "
        "profession is a code from the list below. Every row is invited, or none: a wrong row "
        "is reported and nothing is created."
    ),
    "Votre phrase secrète (pour signer)": "Your passphrase (to sign)",
    "Votre phrase secrète est la bonne. Mais le compte d'un·e administrateur·rice de structure "
    "doit aussi être protégé par un code à 6 chiffres, et il ne l'est pas encore. Cela se fait "
    "une fois, avec l'outil en ligne de commande.": (
        "Your passphrase is right. But an organisation admin's account must also be protected "
        "by a 6-digit code, and it is not yet. This is done once, with the command-line tool."
    ),
    "{name} est certifié·e.": "{name} is certified.",
    "{name} ne fait plus partie de la structure.": "{name} is no longer part of the organisation.",
    "{n} invitation(s) créée(s).": "{n} invitation(s) created.",
    "À l'instant, la personne ne fait plus partie de la structure : plus aucun document ne "
    "peut lui être partagé ici.": (
        "From now on, the person is no longer part of the organisation: no document can be "
        "shared with them here any more."
    ),
    "À utiliser avant le {date} à {time}, une seule fois.": "To use before {date} at {time}, once.",
    "Écrivez le code que la personne lit sur son écran.": (
        "Type the code the person reads on their screen."
    ),
    # The territory admin's page (issue 17: web/templates/admin/admin.html, admin.js).
    "Aperçu d'une charte avant publication": "Preview of a charter before publishing",
    "Nouvelle version préparée pour une fin d'adhésion": (
        "New version prepared to end a membership of the charter"
    ),
    "Cette page est réservée à l'administrateur·rice du territoire. Votre compte n'y a pas "
    "accès : vous avez été déconnecté·e. Pour vos documents, allez sur la page « Mon coffre ».": (
        "This page is for the territory admin only. Your account cannot use it: you have been "
        "logged out. For your documents, go to the “My vault” page."
    ),
    "Aucune structure n'est encore admise.": "No organisation has been admitted yet.",
    "Charte en vigueur : version {version}, depuis le {date}.": (
        "Charter in force: version {version}, since {date}."
    ),
    "Aucune charte n'est en vigueur : aucune structure n'adhère encore. Publiez la charte pour "
    "que les partages soient possibles.": (
        "No charter is in force: no organisation has signed yet. Publish the charter so that "
        "sharing becomes possible."
    ),
    "Adhère depuis le {date}": "Signed since {date}",
    "Adhère depuis le {since}, jusqu'au {until} (exclu)": (
        "Signed since {since}, until {until} (not included)"
    ),
    "Adhésion terminée le {date}": "Membership of the charter ended on {date}",
    "Adhérera à partir du {date}": "Will sign from {date}",
    "N'adhère pas à la charte en vigueur": "Has not signed the charter in force",
    "Dans la charte, mais pas encore admise dans Coffre": (
        "In the charter, but not admitted in Coffre yet"
    ),
    "SIRET {siret}": "SIRET {siret}",
    "Inviter un·e administrateur·rice": "Invite an admin",
    "Mettre fin à l'adhésion": "End its membership of the charter",
    "Écrivez le nom de la structure.": "Write the organisation's name.",
    "Écrivez l'adresse de la structure.": "Write the organisation's address.",
    "Choisissez le type de la structure.": "Choose the organisation's type.",
    "Le SIRET a 14 chiffres (les espaces sont acceptés). Recopiez-le depuis un document de la "
    "structure, ou laissez ce champ vide.": (
        "A SIRET has 14 digits (spaces are fine). Copy it from one of the organisation's "
        "documents, or leave this field empty."
    ),
    "Ce SIRET n'existe pas : un chiffre est faux (sa clé de contrôle ne correspond pas). "
    "Vérifiez-le chiffre par chiffre sur un document de la structure.": (
        "This SIRET does not exist: a digit is wrong (its check key does not match). Check it "
        "digit by digit against one of the organisation's documents."
    ),
    "C'est fait : « {name} » est admise.": "Done: “{name}” is admitted.",
    "Aucune structure du guide ne correspond à « {text} ».": (
        "No organisation of the guide matches “{text}”."
    ),
    "{n} structure(s) du guide.": "{n} organisation(s) from the guide.",
    "Reprendre « {name} »": "Use “{name}”",
    "Les informations de « {name} » sont reprises du guide. Choisissez son type, vérifiez le "
    "reste, puis admettez-la.": (
        "The details of “{name}” are taken from the guide. Choose its type, check the rest, "
        "then admit it."
    ),
    "Écrivez au moins 2 lettres du nom.": "Write at least 2 letters of the name.",
    "Écrivez le nom de la personne invitée.": "Write the name of the person you invite.",
    "Choisissez la structure.": "Choose the organisation.",
    "Choisissez la catégorie professionnelle.": "Choose the professional category.",
    "Invitation pour {name}, administrateur·rice de « {structure} ».": (
        "Invitation for {name}, admin of “{structure}”."
    ),
    "Invitation pour {name}, référent·e de la charte.": "Invitation for {name}, charter officer.",
    "Elle sert une seule fois et n'est plus valable après le {date} à {time}.": (
        "It works once, and no longer after {date} at {time}."
    ),
    "Choisissez le fichier de la charte (.toml).": "Choose the charter's file (.toml).",
    "Ce fichier est trop gros pour une charte (256 Kio au plus). Vérifiez que c'est bien le "
    "fichier TOML de la charte.": (
        "This file is too big for a charter (256 KiB at most). Check that it is the charter's "
        "TOML file."
    ),
    "Version {version} de la charte, en vigueur le {date}": (
        "Version {version} of the charter, in force on {date}"
    ),
    "Cette charte ne peut pas être publiée : {n} problème(s) à corriger dans le fichier. "
    "Corrigez-le, puis choisissez-le de nouveau.": (
        "This charter cannot be published: {n} problem(s) to fix in the file. Fix it, then "
        "choose it again."
    ),
    "À « {where} » : {what}": "At “{where}”: {what}",
    "Différences avec la version {version} (en vigueur le {date}) :": (
        "Differences with version {version} (in force on {date}):"
    ),
    "C'est la première charte du territoire : tout est nouveau.": (
        "This is the territory's first charter: everything is new."
    ),
    "Aucune différence de fond avec la version {version}.": (
        "No difference of substance with version {version}."
    ),
    "Finalité ajoutée : {label}": "Purpose added: {label}",
    "Finalité retirée : {label}": "Purpose removed: {label}",
    "Finalité modifiée : {label}": "Purpose changed: {label}",
    "Documents ajoutés : {list}": "Documents added: {list}",
    "Documents retirés : {list}": "Documents removed: {list}",
    "Professions ajoutées : {list}": "Professions added: {list}",
    "Professions retirées : {list}": "Professions removed: {list}",
    "Durée maximale d'un partage : {old} jours → {new} jours": (
        "Longest share: {old} days → {new} days"
    ),
    "Motif désormais obligatoire à chaque consultation": "A reason now required at each opening",
    "Motif plus demandé à chaque consultation": "No reason asked at each opening any more",
    "Nouveau nom : « {new} » (avant : « {old} »)": "New name: “{new}” (before: “{old}”)",
    "Description modifiée": "Description changed",
    "Structure ajoutée : {name}": "Organisation added: {name}",
    "Structure retirée de la liste : {name}": "Organisation removed from the list: {name}",
    "Fin d'adhésion : {name}, le {date}": "End of membership: {name}, on {date}",
    "Adhésion reprise : {name}": "Membership resumed: {name}",
    "Dates d'adhésion modifiées : {name}": "Membership dates changed: {name}",
    "Relais entre structures permis pour : {list}": (
        "Referrals between organisations allowed for: {list}"
    ),
    "Plus aucun relais entre structures": "No more referrals between organisations",
    "Réglages des relais entre structures modifiés": (
        "Settings of referrals between organisations changed"
    ),
    "Relais permis en plus pour : {list}": "Referrals now also allowed for: {list}",
    "Relais plus permis pour : {list}": "Referrals no longer allowed for: {list}",
    "Rappel après {old} jours → {new} jours": "Reminder after {old} days → {new} days",
    "Fin d'un relais après {old} jours → {new} jours": (
        "A referral ends after {old} days → {new} days"
    ),
    "Les orientations permises (de quel type vers quel type) changent": (
        "The referrals allowed (from which type to which type) change"
    ),
    "Le titre change": "The title changes",
    "Le préambule change": "The preamble changes",
    "C'est fait : la version {version} de la charte est publiée. Elle s'applique le {date}.": (
        "Done: version {version} of the charter is published. It applies from {date}."
    ),
    "Nouvelle version préparée : la version {version}, où l'adhésion de « {name} » prend "
    "fin. Relisez l'aperçu, puis publiez-la.": (
        "New version prepared: version {version}, where “{name}” stops being a member. Read "
        "the preview, then publish it."
    ),
    "charte-version-{version}.toml": "charter-version-{version}.toml",
    "Choisissez la date de fin.": "Choose the end date.",
    "Administration du territoire — Coffre": "Territory administration — Coffre",
    "Menu de l'administration": "Administration menu",
    "Structures": "Organisations",
    "Admettre": "Admit",
    "Inviter": "Invite",
    "Charte": "Charter",
    "Réservée à l'administrateur·rice du territoire : admettre les structures, inviter leurs "
    "administrateurs et le ou la référent·e de la charte, publier la charte.": (
        "For the territory admin only: admit organisations, invite their admins and the "
        "charter officer, publish the charter."
    ),
    "Votre phrase secrète est la bonne. Mais le compte de l'administrateur·rice du territoire "
    "doit aussi être protégé par un code à 6 chiffres, et il ne l'est pas encore. Cela se fait "
    "une fois, avec l'outil en ligne de commande.": (
        "Your passphrase is right. But the territory admin's account must also be protected by "
        "a 6-digit code, and it is not yet. This is done once, with the command-line tool."
    ),
    "Structures et adhésions": "Organisations and charter membership",
    "Une structure admise peut recevoir ses professionnels ; elle ne partage des documents "
    "qu'une fois inscrite dans la charte en vigueur (sa date d'adhésion).": (
        "An admitted organisation can welcome its professionals; documents are shared with it "
        "only once it is listed in the charter in force (its membership date)."
    ),
    "Admettre une structure": "Admit an organisation",
    "Depuis le guide des services (facultatif)": "From the guide of services (optional)",
    "Nom de la structure dans le guide": "Organisation's name in the guide",
    "Chercher dans le guide": "Search the guide",
    "La structure": "The organisation",
    "Nom": "Name",
    "SIRET (facultatif)": "SIRET (optional)",
    "14 chiffres, par exemple 732 829 320 00074. Le numéro est vérifié avec sa clé de "
    "contrôle.": "14 digits, for example 732 829 320 00074. The number is checked with its key.",
    "Type": "Type",
    "Admettre la structure": "Admit the organisation",
    "Invitez maintenant son administrateur·rice. Pour que la structure puisse partager des "
    "documents, ajoutez-la aussi à la charte (bloc [[structures]]) et publiez la nouvelle "
    "version.": (
        "Now invite its admin. For the organisation to share documents, also add it to the "
        "charter ([[structures]] block) and publish the new version."
    ),
    "Inviter son administrateur·rice": "Invite its admin",
    "Retour aux structures": "Back to the organisations",
    "Qui invitez-vous ?": "Whom do you invite?",
    "L'administrateur·rice d'une structure": "An organisation's admin",
    "Le ou la référent·e de la charte": "The charter officer",
    "Nom de la personne invitée": "Name of the person invited",
    "Profession": "Profession",
    "Créer l'invitation": "Create the invitation",
    "Invitation prête": "Invitation ready",
    "Donnez-lui ce lien, ou montrez-lui le code QR à scanner avec son téléphone. Il ou elle y "
    "choisira sa phrase secrète.": (
        "Give them this link, or show them the QR code to scan with their phone. They will "
        "choose their passphrase there."
    ),
    "Code QR du lien d'invitation": "QR code of the invitation link",
    "Lien d'invitation": "Invitation link",
    "Ou le code à taper :": "Or the code to type:",
    "Copier le lien": "Copy the link",
    "Une autre invitation": "Another invitation",
    "Publier la charte": "Publish the charter",
    "Choisissez le fichier TOML de la nouvelle version. Rien n'est publié avant que vous ayez "
    "relu l'aperçu et confirmé.": (
        "Choose the TOML file of the new version. Nothing is published before you have read "
        "the preview and confirmed."
    ),
    "Fichier de la charte (.toml)": "Charter file (.toml)",
    "Voir l'aperçu": "See the preview",
    "Lire la charte en vigueur": "Read the charter in force",
    "Aperçu avant publication": "Preview before publishing",
    "À corriger dans le fichier": "To fix in the file",
    "Ce qui change": "What changes",
    "La charte telle que les personnes la liront": "The charter as people will read it",
    "Publier cette version": "Publish this version",
    "Télécharger ce fichier": "Download this file",
    "Voir la charte publiée": "See the published charter",
    "Mettre fin à une adhésion": "End a membership of the charter",
    "L'adhésion est écrite dans la charte : y mettre fin, c'est publier une nouvelle version où "
    "la structure a une date de fin. Coffre la prépare à partir de la dernière version "
    "publiée ; vous relisez l'aperçu avant de publier. À partir de cette date, plus aucun "
    "document n'est partagé avec cette structure.": (
        "Membership is written in the charter: ending it means publishing a new version where "
        "the organisation has an end date. Coffre prepares it from the latest version "
        "published; you read the preview before publishing. From that date, no document is "
        "shared with this organisation any more."
    ),
    "Date de fin de l'adhésion": "End date of the membership",
    "À partir de ce jour, la structure n'adhère plus. Aujourd'hui ou plus tard.": (
        "From that day, the organisation is no longer a member. Today or later."
    ),
    "Préparer la nouvelle version": "Prepare the new version",
    "Abandonner": "Give up",
    # The network, the person's side (issue 16: person-referent.js, person-relays.js).
    "Accepter": "Accept",
    "Arrêter avec mon référent": "Stop with my key worker",
    "Arrêter cette orientation": "Stop this referral",
    "Attend votre réponse": "Waiting for your answer",
    "Aucun professionnel ne peut être choisi pour le moment.": (
        "No professional can be chosen for now."
    ),
    "C'est enregistré : votre référent·e ne verra pas ce nombre.": (
        "Saved: your key worker will not see this number."
    ),
    "C'est enregistré : votre référent·e verra combien de vos papiers arrivent bientôt à leur "
    "fin.": ("Saved: your key worker will see how many of your papers expire soon."),
    "C'est fait : l'orientation vers {service} est arrêtée.": (
        "Done: the referral to {service} is stopped."
    ),
    "C'est fait : {professional} est votre référent·e.": "Done: {professional} is your key worker.",
    "C'est fait : {professional} n'est plus votre référent·e. Ce que vous lui montrez encore "
    "s'arrête à la date prévue ; vous pouvez l'arrêter avant dans « Mes partages ».": (
        "Done: {professional} is no longer your key worker. What you still show them stops on the "
        "planned date; you can stop it earlier in “My shares”."
    ),
    "C'est fait : {professional} peut voir vos papiers.": (
        "Done: {professional} can see your papers."
    ),
    "C'est fait : {successor} est votre référent·e et voit les mêmes papiers que {from}, "
    "jusqu'aux mêmes dates.": (
        "Done: {successor} is your key worker and sees the same papers as {from}, until the same "
        "dates."
    ),
    "C'est noté : rien n'a changé. {successor} ne voit rien.": (
        "Noted: nothing changed. {successor} sees nothing."
    ),
    "C'est noté : vous avez dit non. {service} ne recevra rien.": (
        "Noted: you said no. {service} will receive nothing."
    ),
    "C'est noté : vous êtes d'accord. {service} va recevoir la demande. Vous serez prévenu·e "
    "quand quelqu'un s'occupera de vous.": (
        "Noted: you agree. {service} will receive the request. You will be told when someone "
        "takes care of you."
    ),
    "C'est noté : {professional} ne sera pas votre référent·e.": (
        "Noted: {professional} will not be your key worker."
    ),
    "C'est terminé.": "It is over.",
    "Ce mot a été modifié par quelqu'un d'autre que son auteur. Il n'est pas affiché.": (
        "This note was changed by someone other than its author. It is not shown."
    ),
    "Ce service a besoin de ces papiers. Cochez ceux que vous voulez lui montrer.": (
        "This service needs these papers. Tick those you want to show it."
    ),
    "Changer de référent": "Change key worker",
    "Choisir cette personne": "Choose this person",
    "Choisir mon référent": "Choose my key worker",
    "Choisissez une personne dans la liste.": "Choose a person in the list.",
    "D'accord": "I agree",
    "Depuis le {date}": "Since {date}",
    "Enregistrer ce choix": "Save this choice",
    "Il ou elle verra seulement un nombre, par exemple « 2 papiers », jamais vos papiers ni leur "
    "nom. Sans cette case, il ou elle ne voit que les papiers que vous lui montrez déjà.": (
        "They will only see a number, for example “2 papers”, never your papers or their names. "
        "Without this box, they only see the papers you already show them."
    ),
    "La réponse de {professional}": "The answer from {professional}",
    "Le mot de {professional}": "The note from {professional}",
    "Le service ne peut pas vous recevoir.": "The service cannot see you.",
    "Le service ne peut pas vous recevoir. Il explique : « {reason} »": (
        "The service cannot see you. It explains: “{reason}”"
    ),
    "Les autres professionnels du territoire": "The other professionals of the area",
    "Les professionnels à qui vous montrez déjà des papiers": (
        "The professionals you already show papers to"
    ),
    "Mes orientations": "My referrals",
    "Mon référent": "My key worker",
    "Montrer mes papiers à {professional}": "Show my papers to {professional}",
    "Montrer à mon référent combien de mes papiers arrivent bientôt à leur fin": (
        "Show my key worker how many of my papers expire soon"
    ),
    "Non": "No",
    "Non, pas maintenant": "No, not now",
    "On vous oriente vers un service": "You are referred to a service",
    "Oui": "Yes",
    "Oui, lui montrer": "Yes, show them",
    "Papiers demandés : {categories}": "Papers asked for: {categories}",
    "Personne n'a répondu à temps. C'est terminé.": "Nobody answered in time. It is over.",
    "Personne ne vous a orienté·e vers un autre service pour le moment.": (
        "Nobody has referred you to another service for now."
    ),
    "Proposé par {professional}, {structure}": "Proposed by {professional}, {structure}",
    "Rien n'a été montré. Vous pourrez le faire plus tard dans « Mes orientations ».": (
        "Nothing was shown. You can do it later in “My referrals”."
    ),
    "Répondre": "Answer",
    "Sans réponse, la proposition s'arrête le {date} à {time}.": (
        "Without an answer, the proposal stops on {date} at {time}."
    ),
    "Si vous dites non, rien ne change et la nouvelle personne ne voit rien.": (
        "If you say no, nothing changes and the new person sees nothing."
    ),
    "Un·e professionnel·le peut vous orienter vers le service d'une autre structure. Rien ne part "
    "sans votre accord.": (
        "A professional can refer you to a service of another organisation. Nothing is sent "
        "without your agreement."
    ),
    "Voir le détail": "See the details",
    "Vos papiers seront montrés seulement à la personne du service qui s'occupera de vous, et "
    "seulement quand vous le direz.": (
        "Your papers will be shown only to the person of the service who takes care of you, and "
        "only when you say so."
    ),
    "Votre référent change": "Your key worker changes",
    "Votre référent·e suit votre parcours et fait le lien avec les autres professionnels. Il ou "
    "elle ne voit aucun de vos papiers sans votre accord.": (
        "Your key worker follows your path and links up with the other professionals. They see "
        "none of your papers without your agreement."
    ),
    "L'absence de {successor} est finie. {successor}, {structure}, peut redevenir votre "
    "référent·e à la place de {from}.": (
        "{successor} is back. {successor}, {structure}, can be your key worker again "
        "instead of {from}."
    ),
    "Le {date} à {time} : l'absence de {successor} est finie. Voulez-vous qu'il ou elle "
    "redevienne votre référent·e ? Vous répondez dans « Mon référent ».": (
        "On {date} at {time}: {successor} is back. Do you want them to be your key worker "
        "again? You answer in “My key worker”."
    ),
    "Votre référent·e {from} est absent·e jusqu'au {date}. {successor}, {structure}, prend sa "
    "place.": (
        "Your key worker {from} is away until {date}. {successor}, {structure}, takes their place."
    ),
    "Votre référent·e {from} est remplacé·e par {successor}, {structure}.": (
        "Your key worker {from} is replaced by {successor}, {structure}."
    ),
    "Votre référent·e {from} part. {successor}, {structure}, prend sa place.": (
        "Your key worker {from} is leaving. {successor}, {structure}, takes their place."
    ),
    "Voulez-vous que {successor} soit votre référent·e ?": (
        "Do you want {successor} to be your key worker?"
    ),
    "Voulez-vous que {successor} soit votre référent·e, et lui montrer les mêmes papiers qu'à "
    "{from}, pour les mêmes démarches et jusqu'aux mêmes dates ?": (
        "Do you want {successor} to be your key worker, and to show them the same papers as "
        "{from}, for the same steps and until the same dates?"
    ),
    "Vous avez arrêté cette orientation le {date}.": "You stopped this referral on {date}.",
    "Vous avez dit d'accord le {date}. Le service n'a pas encore répondu.": (
        "You agreed on {date}. The service has not answered yet."
    ),
    "Vous avez dit non.": "You said no.",
    "Vous n'avez pas ce papier dans votre coffre. Vous pourrez l'ajouter plus tard.": (
        "You do not have this paper in your vault. You can add it later."
    ),
    "Vous n'avez pas de référent pour le moment.": "You have no key worker for now.",
    "{category} : lequel montrer ?": "{category}: which one to show?",
    "{documents} : {purpose}, jusqu'au {date} à {time}": (
        "{documents}: {purpose}, until {date} at {time}"
    ),
    "{orienting} a arrêté cette orientation le {date}.": (
        "{orienting} stopped this referral on {date}."
    ),
    "{professional} a pris le relais": "{professional} has taken over",
    "{professional} a pris le relais le {date}.": "{professional} took over on {date}.",
    "{professional} ne sera plus votre référent·e.": (
        "{professional} will no longer be your key worker."
    ),
    "{professional} propose d'être votre référent·e.": (
        "{professional} offers to be your key worker."
    ),
    "{professional}, {from}, vous propose d'aller vers : {service}, {structure}.": (
        "{professional}, {from}, suggests you go to: {service}, {structure}."
    ),
    "{professional}, {structure}": "{professional}, {structure}",
    "{professional}, {structure}, s'occupe maintenant de votre demande : {purpose}. Lui montrer "
    "vos papiers ?": (
        "{professional}, {structure}, now takes care of your request: {purpose}. Show them your "
        "papers?"
    ),
    "{service}, {structure}": "{service}, {structure}",
    "{successor} est votre référent·e. Mais {n} de vos partages n'ont pas pu être refaits : vous "
    "pouvez les refaire depuis vos documents.": (
        "{successor} is your key worker. But {n} of your shares could not be made again: you can "
        "make them again from your documents."
    ),
    "Le {date} à {time}, {professional} ({structure}) a proposé d'être votre référent·e. Vous "
    "répondez dans « Mon référent ».": (
        "On {date} at {time}, {professional} ({structure}) offered to be your key worker. You "
        "answer in “My key worker”."
    ),
    "Le {date} à {time} : votre référent·e {professional} ne peut plus vous suivre. {successor} "
    "peut prendre sa place si vous êtes d'accord : « Mon référent ».": (
        "On {date} at {time}: your key worker {professional} can no longer follow you. "
        "{successor} can take their place if you agree: “My key worker”."
    ),
    "Le {date} à {time} : votre référent·e a quitté sa structure. Vous pouvez en choisir un autre "
    "dans « Mon référent ».": (
        "On {date} at {time}: your key worker left their organisation. You can choose another one "
        "in “My key worker”."
    ),
    "Le {date} à {time}, un·e professionnel·le vous a proposé d'aller vers un service. Vous "
    "répondez dans « Mes orientations ».": (
        "On {date} at {time}, a professional suggested you go to a service. You answer in “My "
        "referrals”."
    ),
    "Le {date} à {time}, quelqu'un du service a pris le relais. Vous pouvez lui montrer vos "
    "papiers dans « Mes orientations ».": (
        "On {date} at {time}, someone at the service took over. You can show them your papers in "
        "“My referrals”."
    ),
    "Le {date} à {time}, le service a dit qu'il ne peut pas vous recevoir. Voir « Mes "
    "orientations ».": (
        "On {date} at {time}, the service said it cannot see you. See “My referrals”."
    ),
    "Le {date} à {time}, une orientation s'est arrêtée : personne n'a répondu à temps.": (
        "On {date} at {time}, a referral stopped: nobody answered in time."
    ),
    "Le {date} à {time}, une orientation est terminée.": (
        "On {date} at {time}, a referral is over."
    ),
    "Le {date} à {time}, le service a envoyé une réponse. Lisez-la dans « Mes orientations ».": (
        "On {date} at {time}, the service sent an answer. Read it in “My referrals”."
    ),
    "Le {date} à {time}, une de vos orientations a changé. Voir « Mes orientations ».": (
        "On {date} at {time}, one of your referrals changed. See “My referrals”."
    ),
    "Mes référents d'avant": "My previous key workers",
    "{who}, du {from} au {until}": "{who}, from {from} to {until}",
    # End of the person's network strings.
    "Ajouter un document": "Add a document",
    "Ajoutez au moins une page (photo ou fichier).": "Add at least one page (photo or file).",
    "Ajouté le": "Added on",
    "Aller au contenu": "Skip to content",
    "Annuler": "Cancel",
    "Autre": "Other",
    "Bientôt périmé : jusqu'au": "Expires soon: valid until",
    "Bienvenue dans votre coffre": "Welcome to your vault",
    "C'est fait : votre document est dans votre coffre.": "Done: your document is in your vault.",
    "CAF": "Family benefits (CAF)",
    "Ce document est trop lourd. Enlevez des pages ou choisissez un fichier plus petit.": (
        "This document is too large. Remove pages or choose a smaller file."
    ),
    "Ce document ne peut pas être ouvert. Il a peut-être été abîmé.": (
        "This document cannot be opened. It may have been damaged."
    ),
    # Format v2 on the person's side (documents-v2.js, migrate-v2.js, person-pin.js).
    "Ce document a été modifié par quelqu'un d'autre que vous. Il n'est pas affiché. Ne "
    "l'utilisez pas.": (
        "This document was changed by someone other than you. It is not shown. Do not use it."
    ),
    "La mise à jour de sécurité de votre coffre n'a pas pu se faire. Vos documents sont "
    "toujours là. Elle sera refaite la prochaine fois que vous ouvrirez votre coffre.": (
        "The security update of your vault could not be done. Your documents are still "
        "there. It will be done again the next time you open your vault."
    ),
    "Mon code de vérification": "My verification code",
    "Montrez ce code au professionnel pour qu'il vérifie que c'est bien vous.": (
        "Show this code to the professional so they can check that it is really you."
    ),
    "QR code de mon code de vérification": "QR code of my verification code",
    "Il peut scanner le QR code, ou vous lisez le code à voix haute. S'il voit un autre "
    "code sur son écran, ne lui envoyez rien et prévenez sa structure.": (
        "They can scan the QR code, or you read the code aloud. If they see another code "
        "on their screen, send them nothing and tell their organisation."
    ),
    "Ce fichier n'est pas une photo ni un PDF.": "This file is neither a photo nor a PDF.",
    "Chargement…": "Loading…",
    "Chiffrement…": "Encrypting…",
    "Choisir des fichiers": "Choose files",
    "Choisissez le type de document": "Choose the type of document",
    "Code de récupération": "Recovery code",
    "Continuer": "Continue",
    "Créer mon coffre": "Create my vault",
    "Déverrouiller": "Unlock",
    "Déverrouiller mon coffre": "Unlock my vault",
    "Emploi": "Employment",
    "Enregistrer": "Save",
    "Envoi du document": "Sending the document",
    "Envoi…": "Sending…",
    "Erreur": "Error",
    "Famille": "Family",
    "Gardez vos papiers en sécurité. Vous seul·e pouvez les ouvrir.": (
        "Keep your papers safe. Only you can open them."
    ),
    "Identifiant :": "Login:",
    "Identifiant ou phrase secrète incorrects.": "Wrong login or passphrase.",
    "Identité": "Identity",
    "Il sera détruit pour toujours. Personne ne pourra plus l'ouvrir, pas même vous.": (
        "It will be destroyed for ever. No one will be able to open it again, not even you."
    ),
    "Imprimer": "Print",
    "Impôts": "Taxes",
    "J'ai déjà un coffre": "I already have a vault",
    "J'ai écrit ou imprimé mon code": "I wrote down or printed my code",
    "Justice": "Justice",
    "Justificatif de domicile": "Proof of address",
    "L'envoi n'a pas abouti. Rien n'a été enregistré. Vous pouvez réessayer.": (
        "Sending failed. Nothing was saved. You can try again."
    ),
    "La même phrase secrète, encore une fois": "The same passphrase, once more",
    "Langue et session": "Language and session",
    "Le document a été supprimé.": "The document was deleted.",
    "Le nom a été changé.": "The name was changed.",
    "Les deux phrases secrètes ne sont pas pareilles.": "The two passphrases are not the same.",
    "Les pages du document": "The pages of the document",
    "Logement": "Housing",
    "Me déconnecter": "Log out",
    "Mes documents": "My documents",
    "Mettre dans mon coffre": "Put it in my vault",
    "Mon coffre": "My vault",
    "Mon coffre — Coffre": "My vault — Coffre",
    "Nom du document (facultatif)": "Name of the document (optional)",
    "Non, garder": "No, keep it",
    "Nouveau nom": "New name",
    "Oui, supprimer": "Yes, delete",
    "Ouverture…": "Opening…",
    "Ouvrir": "Open",
    "Ouvrir mon coffre": "Open my vault",
    "Page": "Page",
    "Pages ajoutées": "Pages added",
    "Par exemple : carte d'identité, avis d'imposition 2025.": (
        "For example: identity card, 2025 tax notice."
    ),
    "Pas besoin d'adresse e-mail.": "No e-mail address needed.",
    "Pas de connexion. Vérifiez le réseau et réessayez.": (
        "No connection. Check the network and try again."
    ),
    "Phrase secrète": "Passphrase",
    "Plusieurs mots faciles à retenir pour vous, par exemple : {example}. Personne d'autre ne "
    "la connaîtra, pas même nous. Ne prenez pas cet exemple.": (
        "Several words that are easy for you to remember, for example: {example}. No one else "
        "will know it, not even us. Do not use this example."
    ),
    "vélo bleu marché dimanche soleil": "blue bike Sunday market sun",
    "Cette phrase est l'exemple donné sur cette page : tout le monde la connaît. "
    "Choisissez d'autres mots.": (
        "This is the example given on this page: everyone knows it. Choose other words."
    ),
    # Nothing chosen for the person (issue 14).
    "Choisissez la démarche pour laquelle vous partagez, puis « Suivant ».": (
        "Choose what you are sharing for, then “Next”."
    ),
    "Choisissez le ou la professionnel·le qui pourra voir vos documents, puis « Suivant ».": (
        "Choose the professional who will be able to see your documents, then “Next”."
    ),
    "Choisissez combien de temps dure le partage, puis « Suivant ».": (
        "Choose how long the share lasts, then “Next”."
    ),
    "Choisissez le type de document, puis « Suivant ».": (
        "Choose the type of document, then “Next”."
    ),
    "Choisissez dans quel coffre déposer le document, puis « Suivant ».": (
        "Choose which vault to put the document in, then “Next”."
    ),
    "Choisissez…": "Choose…",
    "Choisissez la démarche pour laquelle vous demandez un document.": (
        "Choose what you are asking for a document for."
    ),
    "Choisissez le document que vous demandez.": "Choose the document you are asking for.",
    "Avec qui": "With whom",
    "Pour quelle démarche": "For what",
    "Quels documents": "Which documents",
    "Jusqu'à quand": "Until when",
    "Combien d'ouvertures": "How many openings",
    "Le {date} à {time} ({duration})": "{date} at {time} ({duration})",
    "{n} au plus": "{n} at most",
    "Sans limite pendant le partage": "No limit while the share lasts",
    # A connection gone silent (transfer.js).
    "L'envoi est bloqué : plus rien ne passe depuis un moment. La connexion est peut-être "
    "coupée. Vérifiez le réseau, puis appuyez sur « Réessayer ».": (
        "The upload is stuck: nothing has gone through for a while. The connection may be "
        "down. Check the network, then press “Try again”."
    ),
    "Le document n'arrive plus : plus rien ne passe depuis un moment. La connexion est "
    "peut-être coupée. Vérifiez le réseau, puis appuyez sur « Réessayer ».": (
        "The document has stopped coming: nothing has come through for a while. The "
        "connection may be down. Check the network, then press “Try again”."
    ),
    "Le document n'arrive plus : plus rien ne passe depuis un moment. La connexion est "
    "peut-être coupée. Vérifiez le réseau, puis ouvrez-le de nouveau.": (
        "The document has stopped coming: nothing has come through for a while. The "
        "connection may be down. Check the network, then open it again."
    ),
    "Le document n'a pas pu être chargé. Vérifiez le réseau, puis appuyez sur « Réessayer ».": (
        "The document could not be loaded. Check the network, then press “Try again”."
    ),
    "Envoyé. Attente de la réponse du serveur…": "Sent. Waiting for the server's answer…",
    # Renaming keeps the extension (names.js).
    "La fin « {ext} » reste : elle dit quel type de fichier c'est.": (
        "The ending “{ext}” stays: it tells what type of file this is."
    ),
    "Écrivez le nouveau nom du document.": "Type the document's new name.",
    "Pour un titre de séjour ou une carte d'identité : nous vous préviendrons avant la fin.": (
        "For a residence permit or an identity card: we will warn you before it ends."
    ),
    "Pour votre sécurité, écrivez à nouveau votre phrase secrète.": (
        "For your safety, type your passphrase again."
    ),
    "Prendre une photo": "Take a photo",
    "Prenez une photo de chaque page (par exemple le recto puis le verso), ou choisissez des "
    "fichiers.": (
        "Take a photo of each page (for example the front, then the back), or choose files."
    ),
    "Préparation des pages…": "Preparing the pages…",
    "Pseudonyme ou numéro de téléphone": "Nickname or phone number",
    "Périmé depuis le": "Expired since",
    "QR code du code de récupération": "QR code of the recovery code",
    "Quel document ?": "Which document?",
    "Renommer": "Rename",
    "Renommer le document": "Rename the document",
    "Ressources": "Income",
    "Retirer": "Remove",
    "Retour": "Back",
    "Retour à mes documents": "Back to my documents",
    "Réessayer": "Try again",
    "Santé": "Health",
    "Si cette page reste vide, votre navigateur est trop ancien ou le JavaScript est coupé.": (
        "If this page stays empty, your browser is too old or JavaScript is turned off."
    ),
    "Si vous oubliez votre phrase secrète, ce code est le seul moyen de retrouver vos documents. "
    "Écrivez-le sur papier ou imprimez cette page, et gardez-le en lieu sûr.": (
        "If you forget your passphrase, this code is the only way to get your documents back. "
        "Write it on paper or print this page, and keep it somewhere safe."
    ),
    "Suivant": "Next",
    "Supprimer": "Delete",
    "Supprimer ce document ?": "Delete this document?",
    "Titre de séjour": "Residence permit",
    "Télécharger": "Download",
    "Un instant…": "One moment…",
    "Un·e professionnel·le vous a invité·e. Vous choisissez seul·e votre phrase secrète : "
    "personne d'autre ne la connaîtra.": (
        "A professional invited you. You alone choose your passphrase: no one else will know it."
    ),
    "Valable jusqu'au": "Valid until",
    "Valable jusqu'au (facultatif)": "Valid until (optional)",
    "Votre coffre est vide. Ajoutez votre premier document.": (
        "Your vault is empty. Add your first document."
    ),
    "Votre kit de récupération": "Your recovery kit",
    "Votre phrase secrète est trop courte : au moins 4 mots ou 16 signes.": (
        "Your passphrase is too short: at least 4 words or 16 characters."
    ),
    "Vous avez été déconnecté·e après un moment sans activité.": (
        "You were logged out after a while without activity."
    ),
    "Vous avez été déconnecté·e. Rien n'est resté sur cet appareil.": (
        "You are logged out. Nothing was left on this device."
    ),
    "Écrivez votre pseudonyme ou votre numéro de téléphone.": "Type your nickname or phone number.",
    # Regaining access: the "forgot" and "reset" screens.
    "27 lettres et chiffres, par exemple ABCD-EFGH-… Les tirets et les espaces ne comptent pas.": (
        "27 letters and digits, for example ABCD-EFGH-… Dashes and spaces do not matter."
    ),
    "32 chiffres et lettres de A à F, donnés par le professionnel. Valable 3 jours.": (
        "32 digits and letters from A to F, given by the professional. Valid for 3 days."
    ),
    "Avec votre code de récupération (sur papier, dans votre kit), vous choisissez une "
    "nouvelle phrase secrète et vous gardez tous vos documents.": (
        "With your recovery code (on paper, in your kit), you choose a new passphrase and "
        "keep all your documents."
    ),
    "Ce code de récupération n'est pas valable. Vérifiez chaque caractère sur votre kit.": (
        "This recovery code is not valid. Check each character against your kit."
    ),
    "Ce code de réinitialisation est mal écrit : 32 chiffres ou lettres de A à F.": (
        "This reset code is mistyped: 32 digits or letters from A to F."
    ),
    "Ceci est votre code de récupération, pas un code de réinitialisation. Utilisez-le sur "
    "l'écran précédent : vous garderez tous vos documents.": (
        "This is your recovery code, not a reset code. Use it on the previous screen: you will "
        "keep all your documents."
    ),
    "Choisir ma nouvelle phrase secrète": "Set my new passphrase",
    "Cochez la case pour confirmer que vous avez compris.": (
        "Tick the box to confirm you understand."
    ),
    "Code de réinitialisation": "Reset code",
    "Identifiant ou code de récupération incorrects.": "Wrong login or recovery code.",
    "J'ai compris : mes anciens documents seront détruits": (
        "I understand: my old documents will be destroyed"
    ),
    "J'ai oublié ma phrase secrète": "I forgot my passphrase",
    "Je n'ai plus mon code de récupération": "I no longer have my recovery code",
    "Nouvelle phrase secrète": "New passphrase",
    "Repartir avec un coffre vide": "Start again with an empty vault",
    "Retrouver mon coffre": "Get my vault back",
    "Sans code de récupération": "Without a recovery code",
    "Sans votre code de récupération, personne ne peut plus ouvrir vos documents : ni vous, "
    "ni nous, ni les professionnels. C'est le prix du chiffrement de bout en bout.": (
        "Without your recovery code, no one can open your documents any more: not you, not us, "
        "not the professionals. That is the price of end-to-end encryption."
    ),
    "Un professionnel qui vous accompagne peut vous donner un code de réinitialisation. Avec "
    "lui, vous gardez votre identifiant et vous repartez avec un coffre vide : vos anciens "
    "documents seront détruits. Les documents ajoutés, déposés ou partagés ensuite "
    "s'ouvriront normalement.": (
        "A professional who supports you can give you a reset code. With it, you keep your "
        "login and start again with an empty vault: your old documents will be destroyed. "
        "Documents added, deposited or shared afterwards will open normally."
    ),
    "Votre coffre est prêt, vide. Vos anciens documents ont été détruits : personne ne "
    "pourra plus jamais les ouvrir. Gardez bien votre nouveau code de récupération.": (
        "Your vault is ready, and empty. Your old documents were destroyed: no one will ever "
        "be able to open them. Keep your new recovery code safe."
    ),
    "Votre nouvelle phrase secrète est enregistrée. Tous vos documents sont là. Vos autres "
    "sessions ont été fermées.": (
        "Your new passphrase is saved. All your documents are here. Your other sessions were "
        "closed."
    ),
    # The charter page (web/templates/charter/charter.html) and the labels it shows
    # (coffre/structures/kinds.py).
    "%(days)s jours": "%(days)s days",
    "1 jour": "1 day",
    "Agent d'accueil": "Reception officer",
    "Agent instructeur (CAF, CPAM, MDPH…)": "Case officer (CAF, CPAM, MDPH…)",
    "Assistant·e de service social": "Social worker",
    "Association": "Association",
    "Aucune charte n'est en vigueur sur ce territoire pour l'instant. Tant qu'elle n'est pas "
    "publiée, aucun document ne peut être partagé.": (
        "No charter is in force in this territory yet. Until one is published, no document "
        "can be shared."
    ),
    "Aucune structure n'a encore signé cette charte.": (
        "No organisation has signed this charter yet."
    ),
    "Bailleur social": "Social landlord",
    "Bénévole": "Volunteer",
    "CCAS / CIAS": "Municipal social action centre (CCAS / CIAS)",
    "CHRS / hébergement": "Shelter (CHRS)",
    "CPAM": "Health insurance fund (CPAM)",
    "Charte de partage": "Sharing charter",
    "Charte de partage — Coffre": "Sharing charter — Coffre",
    "Conseil départemental": "Département council",
    "Conseiller·e en insertion": "Employment and integration adviser",
    "Conseiller·e en économie sociale et familiale": "Social and family economy adviser",
    "Conseiller·e pénitentiaire d'insertion et de probation": "Probation officer",
    "Documents qui peuvent être partagés": "Documents that may be shared",
    "Durée maximale d'un partage": "Longest a share may last",
    "Empreinte SHA-256 du fichier de cette charte :": "SHA-256 fingerprint of this charter's file:",
    "Empreinte de la clé de vérification du territoire :": (
        "Fingerprint of the territory's verification key:"
    ),
    "France Travail": "France Travail (employment agency)",
    "Infirmier·e": "Nurse",
    "La clé de vérification du territoire n'est pas encore publiée.": (
        "The territory's verification key is not published yet."
    ),
    "La même charte, lisible par un programme (JSON)": "The same charter, machine-readable (JSON)",
    "MDPH": "Disability centre (MDPH)",
    "MSA": "Farmers' social security (MSA)",
    "Mandataire judiciaire (curateur·rice, tuteur·rice)": (
        "Court-appointed protector (curator, guardian)"
    ),
    "Motif à chaque consultation": "Reason at each access",
    "Médecin": "Doctor",
    "Navigation": "Navigation",
    "Non demandé": "Not required",
    "Obligatoire : le ou la professionnel·le dit pourquoi à chaque fois, et vous le voyez.": (
        "Required: the professional says why each time, and you see it."
    ),
    "Pour quoi vos documents peuvent être partagés": "What your documents may be shared for",
    "Professionnels qui peuvent les recevoir": "Professionals who may receive them",
    "SIAO": "Housing and shelter service (SIAO)",
    "SIRET %(siret)s": "SIRET %(siret)s",
    "SPIP": "Probation service (SPIP)",
    "Service mandataire (protection juridique)": "Legal protection service",
    "Structures signataires": "Signatory organisations",
    "Un partage se fait toujours avec une personne nommée, pour une seule de ces finalités, et "
    "pour une durée limitée. Vous pouvez l'arrêter à tout moment.": (
        "A share is always with one named person, for one of these purposes only, and for a "
        "limited time. You can stop it at any moment."
    ),
    "Version %(version)s, en vigueur depuis le %(date)s.": (
        "Version %(version)s, in force since %(date)s."
    ),
    "Votre application et les professionnels vérifient les clés avec elle. Si l'empreinte "
    "affichée ailleurs est différente, ne partagez rien et prévenez le ou la référent·e de la "
    "charte.": (
        "Your app and the professionals check keys with it. If the fingerprint shown elsewhere "
        "is different, share nothing and tell the charter officer."
    ),
    "Vérifier": "Check",
    "depuis le %(date)s": "since %(date)s",
    "du %(since)s au %(until)s": "from %(since)s to %(until)s",
    "Éducateur·rice spécialisé·e": "Specialised educator",
    "Établissement de santé": "Health facility",
    # Consent screens (consent-person.js, consent-pro.js and their sections in app.html).
    "Choisissez une réponse.": "Choose an answer.",
    "Document : « {document} »": "Document: “{document}”",
    "La charte du territoire ne permet pas de partager ce type de document par Coffre.": (
        "The territory's charter does not allow sharing this type of document through Coffre."
    ),
    "Aucun·e professionnel·le ne peut recevoir ce document pour cette démarche.": (
        "No professional may receive this document for this purpose."
    ),
    "1 semaine": "1 week",
    "1 mois": "1 month",
    "{n} jours": "{n} days",
    "Le plus long que la charte permet": "The longest the charter allows",
    "{professional}, {structure}, pourra voir votre « {document} » pendant {duration}, "
    "pour « {purpose} ».": (
        "{professional}, {structure}, will be able to see your “{document}” for {duration}, "
        "for “{purpose}”."
    ),
    "Le partage s'arrêtera tout seul le {date} à {time}. Vous pouvez l'arrêter avant, "
    "à tout moment, dans « Mes partages ».": (
        "The share will stop by itself on {date} at {time}. You can stop it before, at any "
        "moment, in “My shares”."
    ),
    "Partage en cours…": "Sharing…",
    "C'est fait : {professional} peut voir « {document} ».": (
        "Done: {professional} can see “{document}”."
    ),
    "Le partage n'a pas abouti. Rien n'a été partagé. Vous pouvez réessayer.": (
        "Sharing failed. Nothing was shared. You can try again."
    ),
    "Les clés de ce ou cette professionnel·le ne sont pas certifiées par votre territoire. "
    "Par sécurité, rien n'a été partagé. Prévenez votre structure ou le ou la référent·e de "
    "la charte.": (
        "This professional's keys are not certified by your territory. For your safety, "
        "nothing was shared. Tell your organisation or the charter officer."
    ),
    "La clé de votre territoire n'est plus celle que vous avez vérifiée. Par sécurité, rien "
    "n'a été partagé. Prévenez le ou la référent·e de la charte.": (
        "Your territory's key is no longer the one you checked. For your safety, nothing was "
        "shared. Tell the charter officer."
    ),
    "La clé de votre territoire ne peut pas être vérifiée pour l'instant. Par sécurité, rien "
    "n'a été partagé. Prévenez le ou la référent·e de la charte.": (
        "Your territory's key cannot be checked right now. For your safety, nothing was "
        "shared. Tell the charter officer."
    ),
    "Pour « {purpose} »": "For “{purpose}”",
    "Document : {documents}": "Document: {documents}",
    "{category} (supprimé)": "{category} (deleted)",
    "Ce partage ne donne plus accès à aucun document.": (
        "This share no longer gives access to any document."
    ),
    "En cours jusqu'au {date} à {time}": "Active until {date} at {time}",
    "Terminé le {date}": "Ended on {date}",
    "Arrêté par vous le {date}": "Stopped by you on {date}",
    "Terminé : le nombre d'ouvertures prévu est atteint": (
        "Ended: the planned number of openings was reached"
    ),
    "Ouvert {n} fois": "Opened {n} time(s)",
    "Vous n'avez encore rien partagé.": "You have not shared anything yet.",
    "Arrêter le partage": "Stop sharing",
    "Arrêter et re-chiffrer": "Stop and re-encrypt",
    "« Arrêter et re-chiffrer » change aussi la clé de vos documents : une copie de "
    "l'ancienne clé ne servira plus à rien. Les autres partages de ces documents s'arrêtent "
    "aussi.": (
        "“Stop and re-encrypt” also changes the key of your documents: a copy of the old key "
        "will be of no use any more. Other shares of these documents stop too."
    ),
    "Nouvelle clé pour « {document} »…": "New key for “{document}”…",
    "Le partage est arrêté : {professional} ne peut plus ouvrir vos documents.": (
        "Sharing stopped: {professional} can no longer open your documents."
    ),
    "Le partage est arrêté et vos documents ont une nouvelle clé : {professional} ne peut "
    "plus les ouvrir.": (
        "Sharing stopped and your documents have a new key: {professional} can no longer open them."
    ),
    "vous demande : {category}": "asks you for: {category}",
    "Son message : « {message} »": "Their message: “{message}”",
    "Souhaité avant le {date}": "Wanted before {date}",
    "Sans réponse, cette demande s'arrête le {date}.": (
        "Without an answer, this request ends on {date}."
    ),
    "Choisir le document à envoyer": "Choose the document to send",
    "Refuser": "Decline",
    "Aucune demande en attente.": "No request waiting.",
    "La charte ne prévoit plus cette démarche : cette demande ne peut plus être acceptée.": (
        "The charter no longer has this purpose: this request can no longer be accepted."
    ),
    "{professional} demande : {category}.": "{professional} asks for: {category}.",
    "Vous n'avez pas encore de document « {category} ». Ajoutez-le à votre coffre, puis "
    "revenez à cette demande.": (
        "You have no “{category}” document yet. Add it to your vault, then come back to this "
        "request."
    ),
    "{professional} vous a demandé : {category}.": "{professional} asked you for: {category}.",
    "Demande refusée. {professional} sera prévenu·e.": (
        "Request declined. {professional} will be told."
    ),
    "{professional} ({structure}) a ouvert votre document « {document} » le {date} à "
    "{time}, pour « {purpose} ».": (
        "{professional} ({structure}) opened your document “{document}” on {date} at {time}, "
        "for “{purpose}”."
    ),
    "Motif donné : « {reason} ».": "Reason given: “{reason}”.",
    "{professional} vous a demandé un document ({category}) le {date}. Répondez dans "
    "« Demandes reçues ».": (
        "{professional} asked you for a document ({category}) on {date}. Answer in "
        "“Requests received”."
    ),
    "{professional} ({structure}) a déposé un document ({category}) dans votre coffre le {date}.": (
        "{professional} ({structure}) put a document ({category}) in your vault on {date}."
    ),
    "Un évènement le {date} à {time}.": "Something happened on {date} at {time}.",
    "Nouveau": "New",
    "Personne n'a encore ouvert vos documents.": "No one has opened your documents yet.",
    "Partagé par {person}": "Shared by {person}",
    "Encore {n} jours (jusqu'au {date} à {time})": "{n} days left (until {date} at {time})",
    "Encore {n} h (jusqu'au {date} à {time})": "{n} h left (until {date} at {time})",
    "Ouvertures restantes : {n}": "Openings left: {n}",
    "Ouvertures : sans limite pendant le partage": "Openings: no limit while the share lasts",
    "Ouvrir « {document} »": "Open “{document}”",
    "Personne ne vous a partagé de document en ce moment.": (
        "No one is sharing a document with you at the moment."
    ),
    "Écrivez le motif en quelques mots (3 à 300 caractères).": (
        "Write the reason in a few words (3 to 300 characters)."
    ),
    "Ce document ne peut pas recevoir le filigrane : il n'est pas affiché. Demandez à la "
    "personne de l'ajouter en PDF ou en photo.": (
        "This document cannot take the watermark: it is not shown. Ask the person to add it "
        "as a PDF or a photo."
    ),
    "Copie marquée de « {document} »": "Marked copy of “{document}”",
    "{document} - copie marquée.pdf": "{document} - marked copy.pdf",
    "Écrivez le pseudonyme ou le numéro de téléphone de la personne.": (
        "Write the person's nickname or phone number."
    ),
    "Demande envoyée. Si « {person} » a un coffre, la personne la verra dans ses demandes "
    "reçues.": (
        "Request sent. If “{person}” has a vault, the person will see it in their requests."
    ),
    "Vous n'avez envoyé aucune demande.": "You have not sent any request.",
    "En attente": "Waiting",
    "Acceptée": "Accepted",
    "Refusée": "Declined",
    "Expirée": "Expired",
    "Réponse : « {word} »": "Answer: “{word}”",
    "Menu du coffre": "Vault menu",
    "Mes partages": "My shares",
    "Demandes reçues": "Requests received",
    "Qui a ouvert mes documents": "Who opened my documents",
    "Partagés avec moi": "Shared with me",
    "Demander un document": "Ask for a document",
    "Partager": "Share",
    "Pour quelle démarche ?": "For what purpose?",
    "Choisissez pourquoi vous partagez ce document": "Choose why you share this document",
    "Avec qui ?": "With whom?",
    "Seuls les professionnels que la charte autorise pour cette démarche sont proposés.": (
        "Only the professionals the charter allows for this purpose are offered."
    ),
    "Choisissez le ou la professionnel·le": "Choose the professional",
    "Pour combien de temps ?": "For how long?",
    "Le partage s'arrête tout seul à la fin. Vous pouvez aussi l'arrêter avant, à tout "
    "moment.": "The share stops by itself at the end. You can also stop it before, at any moment.",
    "Choisissez la durée du partage": "Choose how long the share lasts",
    "Vérifier la clé du territoire": "Check the territory's key",
    "Avant votre premier partage, vérifiez que votre coffre parle bien à votre territoire. "
    "Comparez ce code avec celui affiché sur la page de la charte, ou sur l'affiche de votre "
    "structure.": (
        "Before your first share, check that your vault is talking to your territory. Compare "
        "this code with the one shown on the charter page, or on your organisation's notice."
    ),
    "Voir la charte (s'ouvre dans un nouvel onglet)": "See the charter (opens in a new tab)",
    "Si le code est différent, ne partagez rien et prévenez le ou la référent·e de la "
    "charte.": "If the code is different, share nothing and tell the charter officer.",
    "Le code est le même": "The code is the same",
    "Vérifiez avant de partager": "Check before sharing",
    "Chaque fois que le document sera ouvert, vous le verrez dans « Qui a ouvert mes "
    "documents ».": (
        "Each time the document is opened, you will see it in “Who opened my documents”."
    ),
    "Oui, partager": "Yes, share",
    "Rien n'a été partagé": "Nothing was shared",
    "Vous pouvez arrêter un partage à tout moment. Ce qu'un professionnel a déjà ouvert ou "
    "téléchargé ne peut pas être repris.": (
        "You can stop a share at any moment. What a professional already opened or downloaded "
        "cannot be taken back."
    ),
    "Un professionnel vous demande un document. Vous choisissez : l'envoyer, ou refuser.": (
        "A professional asks you for a document. You choose: send it, or decline."
    ),
    "Refuser la demande": "Decline the request",
    "Un mot pour le ou la professionnel·le (facultatif)": "A word for the professional (optional)",
    "Chaque ouverture est enregistrée et la personne en est prévenue. Chaque copie porte "
    "votre nom.": "Each opening is recorded and the person is told. Each copy bears your name.",
    "Pourquoi ouvrez-vous ce document ?": "Why are you opening this document?",
    "La charte demande un motif à chaque consultation. La personne le verra.": (
        "The charter asks for a reason at each opening. The person will see it."
    ),
    "Motif de la consultation": "Reason for opening",
    "Ouvrir le document": "Open the document",
    "Télécharger la copie marquée": "Download the marked copy",
    "Pseudonyme ou numéro de téléphone de la personne": "The person's nickname or phone number",
    "Souhaité avant le (facultatif)": "Wanted before (optional)",
    "Dans les 90 jours au plus.": "Within 90 days at most.",
    "Message pour la personne (facultatif)": "Message for the person (optional)",
    "Envoyer la demande": "Send the request",
    "Demandes envoyées": "Requests sent",
    # Deposits (person-deposits.js, pro-deposit.js and their sections in app.html).
    "Déposé par {professional} ({structure})": "Deposited by {professional} ({structure})",
    "Vérification de la signature…": "Checking the signature…",
    "Signature vérifiée : ce document vient bien de {professional} ({structure}) et "
    "n'a pas été modifié.": (
        "Signature verified: this document does come from {professional} ({structure}) and "
        "has not been changed."
    ),
    "Pour vérifier la signature, comparez d'abord la clé de votre territoire.": (
        "To check the signature, first compare your territory's key."
    ),
    "Attention : la signature de ce dépôt n'est pas valable. Ce document ne vient "
    "peut-être pas de la personne indiquée. Ne vous y fiez pas et prévenez votre "
    "structure.": (
        "Warning: the signature of this deposit is not valid. This document may not come "
        "from the person named. Do not rely on it and tell your organisation."
    ),
    "Attention : les clés de la personne qui a déposé ce document ne sont pas "
    "certifiées par votre territoire (elle a peut-être quitté sa structure). La "
    "signature ne peut pas être vérifiée.": (
        "Warning: the keys of the person who deposited this document are not certified by "
        "your territory (they may have left their organisation). The signature cannot be "
        "checked."
    ),
    "Ce document a reçu une nouvelle clé depuis son dépôt : la signature d'origine ne "
    "le couvre plus.": (
        "This document got a new key after it was deposited: the original signature no "
        "longer covers it."
    ),
    "La clé de votre territoire n'est plus celle que vous avez vérifiée : la signature "
    "ne peut pas être vérifiée. Prévenez le ou la référent·e de la charte.": (
        "Your territory's key is no longer the one you checked: the signature cannot be "
        "checked. Tell the charter officer."
    ),
    "La clé de votre territoire ne peut pas être vérifiée pour l'instant : la "
    "signature non plus.": (
        "Your territory's key cannot be checked for now: nor can the signature."
    ),
    "Pour le coffre de {person}": "For {person}'s vault",
    "Déposer un document pour {person}": "Deposit a document for {person}",
    "Déposer le document": "Deposit the document",
    "C'est fait : le document est dans le coffre de {person}. Vous ne pourrez pas le "
    "rouvrir.": "Done: the document is in {person}'s vault. You will not be able to open it again.",
    "Vérifier la signature": "Check the signature",
    "Déposer un document": "Deposit a document",
    "Le document est chiffré pour la personne : une fois déposé, vous ne pourrez plus "
    "l'ouvrir. Votre signature prouve qu'il vient de vous.": (
        "The document is encrypted for the person: once deposited, you cannot open it "
        "again. Your signature proves it comes from you."
    ),
    "Dans le coffre de qui ?": "Into whose vault?",
    # The person's history (person-history.js and its section in app.html).
    "Historique": "History",
    "Qui a vu mes documents": "Who saw my documents",
    "Tout ce qui s'est passé dans votre coffre : qui a ouvert vos documents, quand et "
    "pourquoi, vos partages, les dépôts et les demandes.": (
        "Everything that happened in your vault: who opened your documents, when and why, "
        "your shares, deposits and requests."
    ),
    "Quel ou quelle professionnel·le ?": "Which professional?",
    "Afficher": "Show",
    "Télécharger ces lignes (tableur CSV)": "Download these lines (CSV spreadsheet)",
    "Le {date} à {time}": "On {date} at {time}",
    "« {title} » ({category})": "“{title}” ({category})",
    "un document « {category} » (supprimé depuis)": "a “{category}” document (since deleted)",
    "un document « {category} »": "a “{category}” document",
    "un de vos documents": "one of your documents",
    ", pour « {purpose} »": ", for “{purpose}”",
    "{who} a ouvert {documents}{purpose_part}.": "{who} opened {documents}{purpose_part}.",
    "Motif indiqué : « {reason} ».": "Reason given: “{reason}”.",
    "{who} a essayé d'ouvrir {documents} : c'est refusé, {refusal}.": (
        "{who} tried to open {documents}: refused, {refusal}."
    ),
    "vous aviez arrêté ce partage": "you had stopped this share",
    "le partage était fini": "the share had ended",
    "le nombre d'ouvertures prévu était atteint": "the planned number of openings was reached",
    "la charte ne le permettait plus": "the charter no longer allowed it",
    "Vous avez partagé {documents} avec {who}{purpose_part}.": (
        "You shared {documents} with {who}{purpose_part}."
    ),
    "Vous avez arrêté le partage avec {who}{purpose_part}.": (
        "You stopped the share with {who}{purpose_part}."
    ),
    "{who} a déposé {documents} dans votre coffre.": "{who} deposited {documents} in your vault.",
    "{who} vous a demandé un document ({category}){purpose_part}.": (
        "{who} asked you for a document ({category}){purpose_part}."
    ),
    "Vous avez refusé la demande de {who}{purpose_part}.": (
        "You declined the request of {who}{purpose_part}."
    ),
    "Vous avez ajouté {documents}.": "You added {documents}.",
    "Vous avez ouvert {documents}.": "You opened {documents}.",
    "Vous avez donné une nouvelle clé à {documents}.": "You gave {documents} a new key.",
    "Vous avez supprimé {documents}.": "You deleted {documents}.",
    "Vous avez récupéré tout votre coffre.": "You took out your whole vault.",
    "Connexion à votre coffre.": "Log-in to your vault.",
    "Une connexion à votre coffre a été refusée (phrase secrète ou code faux).": (
        "A log-in to your vault was refused (wrong passphrase or code)."
    ),
    "Tous les documents": "All documents",
    "Tous les professionnels": "All professionals",
    "Rien à afficher.": "Nothing to show.",
    "{n} ligne(s) affichée(s).": "{n} line(s) shown.",
    "historique-coffre.csv": "vault-history.csv",
    # The full export (person-export.js and its section in app.html).
    "Tout récupérer": "Take everything out",
    "Un seul fichier ZIP avec tous vos documents, ouverts (déchiffrés) sur cet appareil, "
    "et l'historique de votre coffre. Vous pouvez l'ouvrir sur un ordinateur ou le garder "
    "sur une clé USB.": (
        "One ZIP file with all your documents, opened (decrypted) on this device, and your "
        "vault's history. You can open it on a computer or keep it on a USB stick."
    ),
    "Ce fichier n'est pas protégé par votre phrase secrète : gardez-le en lieu sûr, et ne "
    "le laissez pas sur un ordinateur partagé.": (
        "This file is not protected by your passphrase: keep it somewhere safe, and do not "
        "leave it on a shared computer."
    ),
    "Enregistrer le fichier ZIP": "Save the ZIP file",
    "Préparation de l'export…": "Preparing the export…",
    "Document {n} sur {total}…": "Document {n} of {total}…",
    "Écriture du fichier ZIP…": "Writing the ZIP file…",
    "C'est prêt : {n} document(s) et l'historique. Enregistrez le fichier ZIP.": (
        "Ready: {n} document(s) and the history. Save the ZIP file."
    ),
    "L'export n'a pas abouti. Vous pouvez réessayer.": "The export failed. You can try again.",
    "Le téléchargement est bloqué : plus rien ne passe depuis un moment. La connexion "
    "est peut-être coupée. Vérifiez le réseau, puis appuyez de nouveau sur le bouton.": (
        "The download is stuck: nothing has gone through for a while. The connection may "
        "be down. Check the network, then press the button again."
    ),
    "Cela n'a pas marché. Réessayez ; si cela recommence, rechargez la page.": (
        "That did not work. Try again; if it happens again, reload the page."
    ),
    "L'export n'a pas abouti : plus rien ne passe depuis un moment. La connexion est "
    "peut-être coupée. Vérifiez le réseau, puis appuyez sur « Tout récupérer » pour "
    "recommencer.": (
        "The export failed: nothing has gone through for a while. The connection may be "
        "down. Check the network, then press “Take everything out” to start again."
    ),
    "La nouvelle clé n'a pas pu être posée : plus rien ne passe depuis un moment. La "
    "connexion est peut-être coupée. Vérifiez le réseau, puis appuyez sur "
    "« Re-chiffrer ces documents ».": (
        "The new key could not be set: nothing has gone through for a while. The connection "
        "may be down. Check the network, then press “Re-encrypt these documents”."
    ),
    "Un document reçu ne correspond pas. L'export est arrêté.": (
        "A document received does not match. The export stopped."
    ),
    "coffre-{date}.zip": "vault-{date}.zip",
    "Attention : la signature d'un document déposé n'a pas pu être vérifiée "
    "(voir manifest.json).": (
        "Warning: the signature of a deposited document could not be checked (see manifest.json)."
    ),
    "les clés du déposant n'ont pas pu être vérifiées jusqu'à la racine du territoire "
    "(il ou elle a peut-être quitté sa structure)": (
        "the depositor's keys could not be checked up to the territory's root (they may "
        "have left their organisation)"
    ),
    "la signature ne correspond pas aux clés certifiées du déposant": (
        "the signature does not match the depositor's certified keys"
    ),
    "la déclaration de dépôt concerne une autre personne ou un autre document": (
        "the deposit statement is about another person or another document"
    ),
    "le document a changé depuis le dépôt (re-chiffré) : la signature ne couvre plus ce contenu": (
        "the document changed after the deposit (re-encrypted): the signature no longer "
        "covers this content"
    ),
    "Export de votre coffre Coffre\n"
    "=============================\n\n"
    "Ce fichier contient tous vos documents, déchiffrés sur votre appareil, et\n"
    "l'historique de votre coffre. Gardez-le en lieu sûr : il n'est pas chiffré.\n\n"
    "- documents/ : vos documents, rangés par catégorie ;\n"
    "- history.csv : l'historique (qui a ouvert vos documents, quand, pour quoi,\n"
    "  vos partages, dépôts, demandes, connexions), lisible dans un tableur ;\n"
    "- history.json : le même historique, pour un programme ;\n"
    "- manifest.json : la liste des documents avec leur empreinte SHA-256, vos\n"
    "  partages, et la preuve d'origine des documents déposés par un·e\n"
    '  professionnel·le ("verified": true quand la signature a été vérifiée).\n\n'
    "Exporté le {exported_at} pour le compte {login}.\n": (
        "Export of your Coffre vault\n"
        "===========================\n\n"
        "This file holds all your documents, decrypted on your device, and your\n"
        "vault's history. Keep it somewhere safe: it is not encrypted.\n\n"
        "- documents/: your documents, by category;\n"
        "- history.csv: the history (who opened your documents, when, what for,\n"
        "  your shares, deposits, requests, log-ins), for a spreadsheet;\n"
        "- history.json: the same history, for a program;\n"
        "- manifest.json: the list of documents with their SHA-256 fingerprint, your\n"
        "  shares, and the proof of origin of documents deposited by a professional\n"
        '  ("verified": true when the signature was checked).\n\n'
        "Exported on {exported_at} for the account {login}.\n"
    ),
    # The professional's notifications (pro-notifications.js).
    "Mes notifications": "My notifications",
    "Une personne": "Someone",
    "{person} vous a partagé des documents pour « {purpose} », le {date} à {time}. "
    "Vous les trouverez dans « Partagés avec moi ».": (
        "{person} shared documents with you for “{purpose}”, on {date} at {time}. You will "
        "find them in “Shared with me”."
    ),
    "{person} a arrêté un partage (« {purpose} ») le {date} à {time} : vous ne pouvez "
    "plus ouvrir ces documents.": (
        "{person} stopped a share (“{purpose}”) on {date} at {time}: you can no longer open "
        "these documents."
    ),
    "{person} a refusé votre demande ({category}) le {date} à {time}.": (
        "{person} declined your request ({category}) on {date} at {time}."
    ),
    "Aucune notification pour l'instant.": "No notifications yet.",
    # Share options: several documents, a limit on openings, a new key after the end.
    "Quels documents envoyer ?": "Which documents to send?",
    "Cochez un ou plusieurs documents": "Tick one or more documents",
    "Nombre de consultations (facultatif)": "Number of openings (optional)",
    "Laissez vide pour ne pas limiter le nombre d'ouvertures pendant le partage. Sinon, "
    "écrivez un nombre de 1 à 100.": (
        "Leave empty not to limit the number of openings during the share. Otherwise, write a "
        "number from 1 to 100."
    ),
    "Cochez au moins un document.": "Tick at least one document.",
    "Vous pouvez partager {n} documents au plus en une fois.": (
        "You can share at most {n} documents at once."
    ),
    "Ces documents peuvent aussi servir pour « {purpose} ». Cochez ceux à partager.": (
        "These documents may also serve for “{purpose}”. Tick those to share."
    ),
    "Le nombre de consultations est un nombre de 1 à 100, ou rien pour ne pas limiter.": (
        "The number of openings is a number from 1 to 100, or nothing for no limit."
    ),
    "{professional}, {structure}, pourra voir vos {n} documents « {document} » pendant "
    "{duration}, pour « {purpose} ».": (
        "{professional}, {structure}, will be able to see your {n} documents “{document}” "
        "for {duration}, for “{purpose}”."
    ),
    "Ouvertures permises en tout : {n} au plus.": "Openings allowed in all: {n} at most.",
    "Re-chiffrer ces documents": "Re-encrypt these documents",
    "Ce partage est fini. Si quelqu'un a gardé une copie de l'ancienne clé, une "
    "nouvelle clé la rend inutile. Ce qui a déjà été ouvert ne peut pas être repris.": (
        "This share has ended. If someone kept a copy of the old key, a new key makes it "
        "useless. What was already opened cannot be taken back."
    ),
    "Vos documents ont une nouvelle clé : une clé gardée par {professional} ne les ouvre plus.": (
        "Your documents have a new key: a key kept by {professional} no longer opens them."
    ),
    "Vous pouvez déposer un document dans le coffre d'une personne qui vous partage un "
    "document en ce moment.": (
        "You can deposit a document into the vault of a person who is sharing a document "
        "with you at the moment."
    ),
    # The charter officer's console (web/console_strings.py, templates/console).
    "6 chiffres. Le code change toutes les 30 secondes.": (
        "6 digits. The code changes every 30 seconds."
    ),
    "Accès retrouvé avec le code de récupération": "Access regained with the recovery code",
    "Action": "Action",
    "Activez d'abord la double authentification": "First turn on two-factor authentication",
    "Administration du territoire": "Territory administration",
    "Ajoutez le compte dans une application d'authentification (FreeOTP, Aegis…) :": (
        "Add the account to an authenticator app (FreeOTP, Aegis…):"
    ),
    "Au (inclus)": "To (included)",
    "Aucun filtre : tout le journal.": "No filter: the whole log.",
    "Aucun signalement sur cette période.": "No flag for this period.",
    "Aucune ligne ne correspond à ces filtres.": "No line matches these filters.",
    "Autres sessions fermées": "Other sessions ended",
    "C'est fait : le fichier « {name} » est téléchargé.": "Done: the file “{name}” is downloaded.",
    "Ce code est incorrect ou a déjà servi. Attendez le code suivant dans votre "
    "application d'authentification et réessayez.": (
        "This code is wrong or has already been used. Wait for the next code in your "
        "authenticator app and try again."
    ),
    "Ce que le service repère et qui mérite un regard : une structure hors de la charte, "
    "des ouvertures juste avant la fin d'un partage, beaucoup de personnes en peu de temps, "
    "des demandes refusées, une finalité inhabituelle. Un signalement n'est pas un verdict "
    ": renseignez-vous auprès de la structure.": (
        "What the service notices and deserves a look: a structure outside the charter, "
        "openings just before a share ends, many persons in a short time, declined "
        "requests, an unusual purpose. A flag is not a verdict: ask the structure."
    ),
    "Cette console est réservée au ou à la référent·e de la charte. Votre compte n'y a "
    "pas accès : vous avez été déconnecté·e. Pour vos documents, allez sur la page « Mon "
    "coffre ».": (
        "This console is for the charter officer only. Your account has no access to it: "
        "you have been logged out. For your documents, go to the “My vault” page."
    ),
    "Charte publiée": "Charter published",
    "Clé de vérification des points de contrôle (à comparer avec celle publiée par le "
    "territoire) :": (
        "Verifier key of the checkpoints (compare it with the one the territory publishes):"
    ),
    "Code": "Code",
    "Code de réinitialisation donné": "Reset code issued",
    "Code à 6 chiffres": "6-digit code",
    "Coffre exporté par la personne": "Vault exported by the person",
    "Coffre réinitialisé": "Vault reset",
    "Compte créé": "Account created",
    "Compte effacé": "Account erased",
    "Confirmez avec le code affiché :": "Confirm with the code shown:",
    "Connectez-vous :": "Log in:",
    "Connexion": "Login",
    "Console de la charte": "Charter console",
    "Console de la charte — Coffre": "Charter console — Coffre",
    "Demande de document": "Document request",
    "Demande refusée par la personne": "Request declined by the person",
    "Document : {category}": "Document: {category}",
    "Document ajouté": "Document added",
    "Document déposé par un·e professionnel·le": "Document deposited by a professional",
    "Document ouvert par la personne": "Document opened by the person",
    "Document supprimé": "Document deleted",
    "Double authentification activée": "Two-factor authentication turned on",
    "Double authentification désactivée": "Two-factor authentication turned off",
    "Double authentification en préparation": "Two-factor authentication being set up",
    "Du (inclus)": "From (included)",
    "Déconnexion": "Logout",
    "Effacer les filtres": "Clear the filters",
    "Exploitant du service": "Service operator",
    "Exporter et vérifier": "Export and verify",
    "Facultatif, par exemple p-3fa91c07de.": "Optional, for example p-3fa91c07de.",
    "Fait": "Done",
    "Finalité": "Purpose",
    "Finalité : {purpose}": "Purpose: {purpose}",
    "Identifiant": "Login",
    "Invitation créée": "Invitation created",
    "Journal": "Log",
    "La clé de vérification n'a pas pu être lue. Réessayez plus tard.": (
        "The verifier key could not be read. Try again later."
    ),
    "La commande répond « Journal intact » avec le nombre de lignes, ou « Journal ALTÉRÉ » "
    "en nommant le premier maillon cassé.": (
        "The command answers “Journal intact” with the number of lines, or “Journal "
        "ALTÉRÉ” naming the first broken link."
    ),
    "La date de fin doit venir après la date de début.": (
        "The end date must come after the start date."
    ),
    "Le code a 6 chiffres, sans espace.": "The code has 6 digits, without spaces.",
    "Le journal pour un tableur": "The log for a spreadsheet",
    "Le journal signé, vérifiable": "The signed, verifiable log",
    "Le temps pour saisir le code est passé : recommencez la connexion.": (
        "The time to type the code has passed: log in again."
    ),
    "Lecture de cette console": "Reading of this console",
    # The console, the network's audit kinds (web/console_strings.py).
    "Référent·e de parcours proposé·e par un·e professionnel·le": (
        "Key worker offered by a professional"
    ),
    "Référent·e de parcours choisi·e par la personne": "Key worker chosen by the person",
    "Proposition de référent·e refusée par la personne": "Key worker offer declined by the person",
    "Lien avec le ou la référent·e arrêté": "Link with the key worker ended",
    "Nombre de papiers bientôt périmés montré au ou à la référent·e": (
        "Number of papers expiring soon shown to the key worker"
    ),
    "Nombre de papiers bientôt périmés caché au ou à la référent·e": (
        "Number of papers expiring soon hidden from the key worker"
    ),
    "Successeur·e du ou de la référent·e nommé·e": "Key worker's successor named",
    "Changement de référent·e accepté par la personne": (
        "Change of key worker accepted by the person"
    ),
    "Changement de référent·e refusé par la personne": "Change of key worker refused by the person",
    "Lien de référent·e arrêté : départ de la structure": (
        "Key worker link ended: left the structure"
    ),
    "Fin d'absence du ou de la référent·e : la personne est consultée": (
        "Key worker's absence over: the person is asked"
    ),
    "Orientation proposée vers un autre service": "Referral to another service proposed",
    "Orientation acceptée par la personne": "Referral agreed by the person",
    "Orientation refusée par la personne": "Referral refused by the person",
    "Orientation prise en charge par le service": "Referral taken by the service",
    "Orientation déclinée par le service": "Referral declined by the service",
    "Rappel d'une orientation sans réponse": "Reminder of an unanswered referral",
    "Orientation expirée sans réponse": "Referral expired without an answer",
    "Orientation close": "Referral closed",
    "Retour du service au ou à la référent·e": "Return from the service to the key worker",
    "Les lignes du signalement « {title} ».": "The lines of the flag “{title}”.",
    "Les lignes les plus récentes d'abord. Une personne apparaît sous une référence (p-…) "
    ": la même partout, sans dire qui elle est. Chaque recherche est elle-même inscrite au "
    "journal.": (
        "Newest lines first. A person appears as a reference (p-…): the same everywhere, "
        "without saying who they are. Each search is itself written to the log."
    ),
    "Ligne n° {n}": "Line no. {n}",
    "Lignes concernées ({n})": "Lines concerned ({n})",
    "Me connecter": "Log in",
    # The officer's console: audit kinds (web/console_strings.py).
    "Certificat d'un membre délivré ou renouvelé": "Member's certificate issued or renewed",
    "Invitations créées depuis un fichier (CSV)": "Invitations made from a file (CSV)",
    "Certificat d'un membre révoqué": "Member's certificate revoked",
    "Personne prévenue : un partage visait une clé révoquée": (
        "Person told: a share was made to a revoked key"
    ),
    "Liste des certificats révoqués signée et publiée": "Revocation list signed and published",
    "Racine de confiance du territoire publiée": "Territory's trust root published",
    "Racine de confiance du territoire remplacée (rotation)": (
        "Territory's trust root replaced (rotation)"
    ),
    "Nouvelles clés d'un·e professionnel·le (rotation)": "New keys for a professional (rotation)",
    "Connexion avec ProConnect": "Login with ProConnect",
    "Compte lié à une identité ProConnect": "Account linked to a ProConnect identity",
    "Lien avec ProConnect défait par le ou la professionnel·le": (
        "ProConnect link undone by the professional"
    ),
    "Annuaire des services importé": "Directory of services imported",
    "Fiche de l'annuaire vérifiée par la structure": "Directory entry checked by the organisation",
    "Accès à un document refusé": "Access to a document refused",
    "Stockage réparé : fichiers orphelins supprimés": "Storage repaired: orphan files removed",
    "Anciennes entrées du journal purgées (durée de conservation)": (
        "Old log entries purged (retention period)"
    ),
    "Membre retiré·e d'une structure": "Member removed from a structure",
    "Menu de la console": "Console menu",
    "Motif indiqué : « {reason} »": "Stated reason: “{reason}”",
    "Nom ou date d'un document changés": "Name or date of a document changed",
    "Nouvelle clé pour un document": "New key for a document",
    "Ouverture d'un document partagé": "Shared document opened",
    "Ouvrez votre application d'authentification et saisissez le code affiché pour ce "
    "compte.": "Open your authenticator app and type the code it shows for this account.",
    "Par {who}": "By {who}",
    "Par {who} ({role})": "By {who} ({role})",
    "Par {who} ({role}), {structure}": "By {who} ({role}), {structure}",
    "Partage accordé par la personne": "Share granted by the person",
    "Partage arrêté": "Share stopped",
    "Personne": "Person",
    "Personne (référence)": "Person (reference)",
    "Personne concernée : {person}": "Person concerned: {person}",
    "Phrase secrète changée": "Passphrase changed",
    "Plus": "More",
    "Professionnel·le": "Professional",
    "Professionnel·le : {who}": "Professional: {who}",
    "Professionnel·le concerné·e : {who}": "Professional concerned: {who}",
    "Rechercher": "Search",
    "Refusé": "Refused",
    "Retour à la connexion": "Back to login",
    "Revenez ensuite ici : chaque connexion demandera le code. Vous avez été déconnecté·e "
    "en attendant.": (
        "Then come back here: every login will ask for the code. You have been logged out "
        "in the meantime."
    ),
    "Référent·e de la charte": "Charter officer",
    "Réservée au ou à la référent·e de la charte du territoire : le journal de qui a fait "
    "quoi, quand et pour quelle finalité. Jamais le contenu d'un document, jamais qui est "
    "une personne.": (
        "For the territory's charter officer only: the log of who did what, when and for "
        "which purpose. Never the contents of a document, never who a person is."
    ),
    "Résultat": "Outcome",
    "Résultats": "Results",
    "Sans dates : les 30 derniers jours. 400 jours au plus.": (
        "Without dates: the last 30 days. 400 days at most."
    ),
    "Session fermée": "Session ended",
    "Signalements": "Flags",
    "Signalements du {from} au {to}.": "Flags from {from} to {to}.",
    "Structure": "Structure",
    "Structure : {structure}": "Structure: {structure}",
    "Structure admise": "Structure admitted",
    "Sur un ordinateur où l'outil Coffre est installé, dans le dossier du fichier téléchargé :": (
        "On a computer where the Coffre tool is installed, in the folder of the downloaded file:"
    ),
    "Tous les résultats": "All outcomes",
    "Tout le journal sous sa forme vérifiable : chaque ligne y est scellée, et les points "
    "de contrôle sont signés par le service. Une copie gardée à part permet de prouver "
    "plus tard que rien n'a été changé ni retiré.": (
        "The whole log in its verifiable form: every line is sealed in it, and the "
        "checkpoints are signed by the service. A copy kept apart proves later that nothing "
        "was changed or removed."
    ),
    "Toutes les actions": "All actions",
    "Toutes les finalités": "All purposes",
    "Toutes les lignes que les filtres du journal retiennent, dans un fichier CSV "
    "(séparateur « ; », heure de Paris). Les mêmes métadonnées qu'à l'écran, rien de "
    "plus.": (
        "Every line the log's filters keep, in a CSV file (“;” separator, Paris time). The "
        "same metadata as on screen, nothing more."
    ),
    "Toutes les structures": "All structures",
    "Téléchargement…": "Downloading…",
    "Télécharger le journal signé": "Download the signed log",
    "Télécharger le tableur (CSV)": "Download the spreadsheet (CSV)",
    "Une référence de personne s'écrit p- suivi de 10 chiffres ou lettres.": (
        "A person's reference is written p- followed by 10 digits or letters."
    ),
    "Voir ces lignes dans le journal": "See these lines in the log",
    "Voir les lignes de {person}": "See the lines of {person}",
    "Voir les signalements": "See the flags",
    "Votre phrase secrète est la bonne. Mais un compte de référent·e de la charte doit "
    "aussi être protégé par un code à 6 chiffres, et il ne l'est pas encore. Cette page ne "
    "l'active pas : cela se fait une fois, avec l'outil en ligne de commande.": (
        "Your passphrase is right. But a charter officer's account must also be protected "
        "by a 6-digit code, and it is not yet. This page does not turn it on: it is done "
        "once, with the command-line tool."
    ),
    "Votre session est terminée. Connectez-vous de nouveau.": (
        "Your session has ended. Log in again."
    ),
    "Vous cherchez vos documents ? Allez sur « Mon coffre ».": (
        "Looking for your documents? Go to “My vault”."
    ),
    "Vérifier le journal signé": "Verify the signed log",
    "coffre-journal-signe.jsonl": "coffre-signed-log.jsonl",
    "coffre-journal.csv": "coffre-log.csv",
    "{n} ligne(s) affichée(s). D'autres lignes plus anciennes suivent.": (
        "{n} line(s) shown. More, older lines follow."
    ),
    "{n} signalement(s). Un signalement invite à regarder, ce n'est pas un verdict.": (
        "{n} flag(s). A flag invites a look; it is not a verdict."
    ),
    "Échoué": "Failed",
    "Écrivez votre identifiant et votre phrase secrète.": "Type your login and your passphrase.",
    # Resets wait and can be cancelled (issue 14, item 3).
    "C'est enregistré. Votre nouveau coffre sera prêt le {date} à {time}, vide : vos "
    "anciens documents seront détruits ce jour-là et personne ne pourra plus jamais les "
    "ouvrir. D'ici là, vous ne pouvez pas encore y entrer, et la personne qui a "
    "l'ancienne phrase secrète ou l'ancien code de récupération peut tout annuler. "
    "Gardez bien ce nouveau code de récupération : il servira à partir de cette date.": (
        "Done. Your new vault will be ready on {date} at {time}, empty: your old documents "
        "will be destroyed that day and no one will ever be able to open them again. Until "
        "then you cannot enter it yet, and whoever has the old passphrase or the old "
        "recovery code can cancel everything. Keep this new recovery code safe: it works "
        "from that date."
    ),
    "Le {since}, quelqu'un a utilisé un code de réinitialisation pour votre compte. Le "
    "{date} à {time}, votre coffre sera remplacé par un coffre vide : vos documents "
    "seront détruits, et votre phrase secrète et votre code de récupération ne "
    "serviront plus.": (
        "On {since}, someone used a reset code for your account. On {date} at {time}, your "
        "vault will be replaced by an empty one: your documents will be destroyed, and your "
        "passphrase and recovery code will no longer work."
    ),
    "Le {since}, un code de réinitialisation a été créé pour votre compte. Il vaut "
    "jusqu'au {date} à {time}. Celui ou celle qui l'utilise pourra remplacer votre "
    "coffre par un coffre vide, après quelques jours pendant lesquels vous pourrez "
    "encore annuler.": (
        "On {since}, a reset code was created for your account. It is valid until {date} at "
        "{time}. Whoever uses it can replace your vault with an empty one, after a few days "
        "during which you can still cancel."
    ),
    "C'est annulé. Votre coffre, vos documents, votre phrase secrète et votre code de "
    "récupération restent comme avant.": (
        "Cancelled. Your vault, your documents, your passphrase and your recovery code stay "
        "as they were."
    ),
    "Le {date} à {time}, {issuer} a créé un code de réinitialisation pour votre compte. "
    "Si vous n'avez rien demandé, annulez-le : « Annuler la réinitialisation » "
    "s'affiche quand vous ouvrez votre coffre.": (
        "On {date} at {time}, {issuer} created a reset code for your account. If you did not "
        "ask for anything, cancel it: “Cancel the reset” appears when you open your vault."
    ),
    "Le {date} à {time}, un code de réinitialisation a été utilisé pour votre compte : "
    "le {until}, votre coffre sera remplacé par un coffre vide, sauf si vous annulez.": (
        "On {date} at {time}, a reset code was used for your account: on {until}, your vault "
        "will be replaced by an empty one, unless you cancel."
    ),
    "l'administration du territoire": "the territory's administration",
    "l'exploitant du service": "the service's operator",
    "{professional} ({structure})": "{professional} ({structure})",
    "Un professionnel à qui vous partagez un document en ce moment peut vous donner un code "
    "de réinitialisation. Avec lui, vous gardez votre identifiant et vous repartez avec un "
    "coffre vide : vos anciens documents seront détruits. Les documents ajoutés, déposés ou "
    "partagés ensuite s'ouvriront normalement.": (
        "A professional you are sharing a document with right now can give you a reset code. "
        "With it, you keep your login and start again with an empty vault: your old documents "
        "will be destroyed. Documents added, deposited or shared afterwards will open normally."
    ),
    "Par sécurité, votre nouveau coffre ne s'ouvre qu'après quelques jours d'attente. Pendant "
    "ce temps, rien ne change, et la personne qui a l'ancienne phrase secrète ou l'ancien code "
    "de récupération peut tout annuler.": (
        "For your safety, your new vault only opens after a few days' wait. Meanwhile nothing "
        "changes, and whoever has the old passphrase or the old recovery code can cancel "
        "everything."
    ),
    "Réinitialisation de votre compte": "Reset of your account",
    "Si ce n'est pas vous qui l'avez demandée, ou si vous avez retrouvé votre phrase secrète ou "
    "votre code de récupération, annulez-la : votre coffre et vos documents resteront comme "
    "avant.": (
        "If you did not ask for it, or if you found your passphrase or your recovery code "
        "again, cancel it: your vault and your documents will stay as they were."
    ),
    "Annuler la réinitialisation": "Cancel the reset",
    "Continuer sans annuler": "Continue without cancelling",
    "Réinitialisation demandée (délai d'attente)": "Reset requested (waiting period)",
    "Réinitialisation annulée par la personne": "Reset cancelled by the person",
    # Format v2 on the professional's side (pro-v2.js, pro-pin.js).
    "Le reçu que la personne a signé pour ce partage n'est pas valable : ses documents ne "
    "s'ouvrent pas. Prévenez votre structure.": (
        "The receipt the person signed for this share is not valid: their documents do not "
        "open. Tell your organisation."
    ),
    "Attention : la clé de {person} n'est plus celle que vous connaissiez. Rien ne s'ouvre "
    "tant que vous n'avez pas comparé son nouveau code de vérification avec celui de son "
    "téléphone.": (
        "Warning: {person}'s key is no longer the one you knew. Nothing opens until you have "
        "compared their new verification code with the one on their phone."
    ),
    "Code de vérification de {person} : pas encore comparé.": (
        "Verification code of {person}: not compared yet."
    ),
    "Code de vérification de {person} : comparé, c'est le bon.": (
        "Verification code of {person}: compared, it is the right one."
    ),
    "Comparer le code de {person}": "Compare {person}'s code",
    "Le code de vérification de {person}": "{person}'s verification code",
    "C'est le même code : la clé de {person} est vérifiée.": (
        "It is the same code: {person}'s key is verified."
    ),
    "Ce n'est pas le même code. N'ouvrez pas les documents de cette personne et prévenez "
    "votre structure : sa clé a peut-être été remplacée.": (
        "It is not the same code. Do not open this person's documents and tell your "
        "organisation: their key may have been replaced."
    ),
    "Ce code est incomplet ou contient une faute de frappe : il a 27 lettres et chiffres. "
    "Relisez-le avec la personne.": (
        "This code is incomplete or has a typing error: it has 27 letters and digits. Read it "
        "again with the person."
    ),
    "Ce document n'est pas celui que la personne a partagé : il a été modifié ou remplacé. "
    "Il n'est pas affiché. Prévenez la personne et votre structure.": (
        "This document is not the one the person shared: it was changed or replaced. It is "
        "not shown. Tell the person and your organisation."
    ),
    "Demandez à la personne d'ouvrir « Mon code de vérification » sur son téléphone et comparez.": (
        "Ask the person to open “My verification code” on their phone and compare."
    ),
    "Le code que la personne lit sur son téléphone": "The code the person reads on their phone",
    "27 lettres et chiffres ; les espaces ne comptent pas.": (
        "27 letters and digits; spaces do not count."
    ),
    "Comparer": "Compare",
    # A trusted contact (person-contact.js, contact-helper.js; crypto/SPEC.md §28).
    "Une personne de confiance": "A trusted contact",
    "Ils m'ont choisi·e": "They chose me",
    "Si vous perdez votre phrase secrète et votre code de récupération, une personne de "
    "confiance peut vous aider à retrouver votre coffre avec tous vos documents.": (
        "If you lose your passphrase and your recovery code, a trusted contact can help you "
        "get your vault back with all your documents."
    ),
    "Choisir une personne de confiance": "Choose a trusted contact",
    "Retirer ma personne de confiance": "Remove my trusted contact",
    "Qui choisissez-vous ?": "Whom do you choose?",
    "Votre personne de confiance est :": "Your trusted contact is:",
    "Une personne que je connais, qui a un coffre": "Someone I know who has a vault",
    "Un·e professionnel·le qui m'accompagne": "A professional who supports me",
    "La personne que vous choisissez": "The person you choose",
    "Soyez ensemble. Elle ouvre son coffre sur son téléphone, puis « Mon code de vérification ».": (
        "Be together. They open their vault on their phone, then “My verification code”."
    ),
    "Son identifiant": "Their login",
    "Le code de vérification qu'elle vous lit": "The verification code they read to you",
    "Le ou la professionnel·le que vous choisissez": "The professional you choose",
    "Professionnel·les de votre territoire": "Professionals of your area",
    "Avant de confirmer": "Before you confirm",
    "Votre phrase secrète, pour confirmer": "Your passphrase, to confirm",
    "J'ai compris et je fais confiance à cette personne.": (
        "I understand and I trust this person."
    ),
    "Oui, choisir cette personne": "Yes, choose this person",
    "Ils m'ont choisi·e comme personne de confiance": "They chose me as their trusted contact",
    "La personne est à côté de vous. C'est elle qui choisit et écrit sa nouvelle phrase secrète.": (
        "The person is beside you. They choose and type their new passphrase themselves."
    ),
    "La même, encore une fois": "The same, once more",
    "Enregistrer la nouvelle phrase secrète": "Save the new passphrase",
    "Son nouveau code de récupération": "Their new recovery code",
    "Elle l'écrit sur papier et le garde chez elle. Il ne sera plus affiché.": (
        "They write it on paper and keep it at home. It will not be shown again."
    ),
    "C'est fait": "Done",
    "{contact} a demandé l'accès de secours à votre coffre le {asked}. Si vous ne refusez "
    "pas, cette personne pourra ouvrir tout votre coffre à partir du {date} à {time}. Si vous "
    "n'êtes pas d'accord, refusez.": (
        "{contact} asked for emergency access to your vault on {asked}. Unless you refuse, "
        "this person will be able to open your whole vault from {date} at {time}. If you do "
        "not agree, refuse."
    ),
    "Votre personne de confiance : {contact}, depuis le {since}. Délai d'attente : {days} "
    "jours.": "Your trusted contact: {contact}, since {since}. Waiting period: {days} days.",
    "Vous n'avez pas de personne de confiance.": "You have no trusted contact.",
    "Changer de personne de confiance": "Change trusted contact",
    "Choisissez une personne que vous connaissez, ou un·e professionnel·le.": (
        "Choose someone you know, or a professional."
    ),
    "Ce code n'a pas la bonne forme : il a 27 lettres et chiffres. Relisez-le ensemble.": (
        "This code is not well formed: it has 27 letters and digits. Read it again together."
    ),
    "Ce n'est pas le même code. Vérifiez l'identifiant et relisez le code ensemble. Si "
    "c'est bien le code de son téléphone, ne la choisissez pas et prévenez votre "
    "structure.": (
        "It is not the same code. Check the login and read the code again together. If it "
        "really is the code on their phone, do not choose them and tell your organisation."
    ),
    "Choisissez un·e professionnel·le dans la liste.": "Choose a professional from the list.",
    "Cette personne pourra, avec votre accord ou après {days} jours sans réponse de votre "
    "part, ouvrir tout votre coffre.": (
        "This person will be able, with your agreement or after {days} days without an "
        "answer from you, to open your whole vault."
    ),
    "Vous choisissez : {contact}.": "You choose: {contact}.",
    "Cochez la case si vous avez compris et si vous faites confiance à cette personne.": (
        "Tick the box if you understand and you trust this person."
    ),
    "Écrivez votre phrase secrète pour confirmer.": "Type your passphrase to confirm.",
    "Ce n'est pas la bonne phrase secrète. Rien n'a été modifié.": (
        "That is not the right passphrase. Nothing was changed."
    ),
    "C'est fait : votre personne de confiance est enregistrée, et elle est prévenue.": (
        "Done: your trusted contact is saved, and they have been told."
    ),
    "C'est refusé : l'accès de secours ne s'ouvrira pas. Votre personne de confiance est "
    "prévenue.": ("Refused: emergency access will not open. Your trusted contact has been told."),
    "Vous n'avez plus de personne de confiance.": "You no longer have a trusted contact.",
    "{person} vous a choisi·e comme personne de confiance le {since}.": (
        "{person} chose you as their trusted contact on {since}."
    ),
    "Le délai est passé sans refus : vous pouvez aider {person} à retrouver son coffre, avec "
    "elle à côté de vous.": (
        "The waiting period passed without a refusal: you can help {person} get their vault "
        "back, with them beside you."
    ),
    "Aider à retrouver le coffre": "Help get the vault back",
    "Vous avez demandé l'accès de secours le {asked}. Il s'ouvrira le {date} à {time}, si "
    "{person} ne refuse pas.": (
        "You asked for emergency access on {asked}. It will open on {date} at {time}, unless "
        "{person} refuses."
    ),
    "{person} a refusé votre demande du {date}.": "{person} refused your request of {date}.",
    "Seulement si {person} a perdu sa phrase secrète et son code de récupération. Elle sera "
    "prévenue tout de suite et pourra refuser pendant {days} jours.": (
        "Only if {person} lost their passphrase and their recovery code. They will be told at "
        "once and can refuse for {days} days."
    ),
    "Demander l'accès de secours": "Ask for emergency access",
    "Personne ne vous a choisi·e comme personne de confiance.": (
        "Nobody chose you as their trusted contact."
    ),
    "C'est demandé. {person} est prévenue.": "Asked. {person} has been told.",
    "Nouvelle phrase secrète pour {person}": "New passphrase for {person}",
    "C'est fait : {person} peut entrer dans son coffre avec sa nouvelle phrase secrète. Tous "
    "ses documents sont là. Voici son nouveau code de récupération :": (
        "Done: {person} can open their vault with their new passphrase. All their documents "
        "are there. Here is their new recovery code:"
    ),
    "Les clés reçues ne s'ouvrent pas : rien n'a été modifié. Prévenez la personne et sa "
    "structure.": (
        "The keys received do not open: nothing was changed. Tell the person and their "
        "organisation."
    ),
    "Le {date} à {time}, {contact} a demandé l'accès de secours à votre coffre. Sans refus de "
    "votre part, il s'ouvrira le {until}. Pour refuser : « Une personne de confiance ».": (
        "On {date} at {time}, {contact} asked for emergency access to your vault. Unless you "
        "refuse, it will open on {until}. To refuse: “A trusted contact”."
    ),
    "Le {date} à {time}, avec {contact}, une nouvelle phrase secrète et un nouveau code de "
    "récupération ont été choisis pour votre coffre.": (
        "On {date} at {time}, with {contact}, a new passphrase and a new recovery code were "
        "chosen for your vault."
    ),
    "Le {date} à {time}, {person} vous a choisi·e comme personne de confiance.": (
        "On {date} at {time}, {person} chose you as their trusted contact."
    ),
    "Le {date} à {time}, {person} a refusé votre demande d'accès de secours.": (
        "On {date} at {time}, {person} refused your request for emergency access."
    ),
    # The guide of solidarity services (web/templates/guide/, issue 16).
    "Adresse": "Address",
    "Aucun service ne correspond. Essayez avec moins de mots, ou un lieu plus large "
    "(le département).": (
        "No service matches. Try fewer words, or a wider place (the département)."
    ),
    "Chercher": "Search",
    "Comment y aller": "How to get there",
    "Conditions": "Conditions",
    "Contacts (réservé aux professionnels)": "Contacts (for professionals only)",
    "De quoi avez-vous besoin ?": "What do you need?",
    "Dernière vérification": "Last checked",
    "Guide des solidarités": "Guide to local help",
    "Horaires": "Opening hours",
    "Hébergement, alimentation, santé, emploi, démarches : cherchez un service, puis "
    "voyez comment y aller. Pas besoin de compte.": (
        "Shelter, food, health, work, paperwork: search for a service, then see how to "
        "get there. No account needed."
    ),
    "Informations à vérifier": "Information to be checked",
    "Où ?": "Where?",
    "Pages de résultats": "Pages of results",
    "Par exemple : hébergement, aide alimentaire, logement.": (
        "For example: shelter, food aid, housing."
    ),
    "Pour": "For",
    "Pour qui ?": "For whom?",
    "Qui peut venir": "Who can come",
    "Retour au guide": "Back to the guide",
    "Résultats précédents": "Previous results",
    "Résultats suivants": "Next results",
    "Service introuvable": "Service not found",
    "Signataire de la charte": "Signed the charter",
    "Tous publics": "Everyone",
    "Tout le monde": "Everyone",
    "Trouver une aide près de chez vous": "Find help near you",
    "Document signé par la personne (format v2)": "Document signed by the person (format v2)",
    "Début d'un document lu pour le signer (format v2)": (
        "Start of a document read to sign it (format v2)"
    ),
    "Coffre passé au format v2": "Vault moved to format v2",
    "Protection de la phrase secrète renforcée (format v2)": (
        "Passphrase protection strengthened (format v2)"
    ),
    "Personne de confiance choisie": "Trusted contact chosen",
    "Personne de confiance retirée": "Trusted contact removed",
    "Accès de secours demandé par la personne de confiance": (
        "Emergency access asked for by the trusted contact"
    ),
    "Accès de secours refusé par la personne": "Emergency access refused by the person",
    "Accès de secours ouvert après le délai": "Emergency access opened after the wait",
    "Accès retrouvé avec la personne de confiance": "Access regained with the trusted contact",
    "Une commune, un code postal ou un département.": "A town, a postcode or a département.",
    # The professional's network screens (issue 16: pro-followed.js, pro-handover.js,
    # pro-orient.js, pro-relays.js; web/pro_network_strings.py, vault/_pro_network.html).
    "Absence jusqu'au": "Absent until",
    "Absence, jusqu'à une date": "Absence, until a date",
    "Accepté par la personne, en attente d'être pris": "Agreed by the person, waiting to be taken",
    "Arrêté par la personne": "Stopped by the person",
    "Arrêté par le ou la professionnel·le qui l'a proposé": (
        "Stopped by the professional who proposed it"
    ),
    "Aucun papier partagé avec vous ne se périme bientôt.": (
        "No paper shared with you expires soon."
    ),
    "Aucun partage en cours.": "No share in force.",
    "Aucun relais reçu.": "No relay received.",
    "Aucun relais.": "No relay.",
    "Aucun service ne correspond.": "No service matches.",
    "Aucun·e professionnel·le ne correspond. Essayez un autre mot.": (
        "No professional matches. Try another word."
    ),
    "Fiches de l'annuaire à vérifier": "Directory entries to check",
    "Ces fiches de votre structure n'ont pas été vérifiées depuis longtemps. Relisez-les "
    "sur le guide : si tout est juste, dites-le.": (
        "These entries of your structure have not been checked for a long time. Read them "
        "on the guide: if everything is right, say so."
    ),
    "Si quelque chose a changé, demandez à l'administrateur·rice du territoire de "
    "réimporter la fiche corrigée.": (
        "If something changed, ask the territory admin to import the corrected entry again."
    ),
    "Dernière vérification : {date}": "Last checked: {date}",
    "Voir la fiche « {service} » sur le guide": "See the entry “{service}” on the guide",
    "Les informations sont toujours justes": "The information is still right",
    "Merci : la fiche « {service} » est marquée vérifiée aujourd'hui.": (
        "Thank you: the entry “{service}” is marked as checked today."
    ),
    "Toutes les fiches de votre structure sont à jour.": (
        "All the entries of your structure are up to date."
    ),
    "C'est envoyé : {person} verra votre proposition dans son coffre et décidera.": (
        "Sent: {person} will see your proposal in their vault and decide."
    ),
    "C'est envoyé. Personnes prévenues : {n}. Chacune décidera dans son coffre si "
    "{successor} devient son ou sa référent·e.": (
        "Sent. Persons told: {n}. Each will decide in their vault whether {successor} "
        "becomes their key worker."
    ),
    "Ce message ne peut pas être ouvert : il a été modifié, ou il ne vient pas de la "
    "personne qui l'a signé. Prévenez votre structure.": (
        "This message cannot be opened: it was changed, or it does not come from the person "
        "who signed it. Tell your organisation."
    ),
    "Cette structure n'a pas signé la charte du territoire : pas de relais par Coffre. "
    "Orientez la personne directement.": (
        "This organisation has not signed the territory's charter: no relay through Coffre. "
        "Refer the person directly."
    ),
    "Chercher le ou la remplaçant·e (nom ou structure)": (
        "Search for the successor (name or organisation)"
    ),
    "Chiffré : seuls la personne et le ou la professionnel·le responsable du relais "
    "pourront le lire. 2 000 signes au plus.": (
        "Encrypted: only the person and the professional responsible for the relay will be "
        "able to read it. 2,000 characters at most."
    ),
    "Chiffrée : seuls la personne, vous et le ou la professionnel·le qui prendra le relais "
    "pourront la lire. 2 000 signes au plus.": (
        "Encrypted: only the person, you and the professional who takes the relay will be "
        "able to read it. 2,000 characters at most."
    ),
    "Choisissez d'abord la démarche.": "Choose the procedure first.",
    "Choisissez la raison.": "Choose the reason.",
    "Choisissez le ou la professionnel·le qui s'en va.": "Choose the professional who is leaving.",
    "Choisissez le ou la remplaçant·e.": "Choose the successor.",
    "Choisissez pour quelles personnes.": "Choose for which persons.",
    "Cochez au moins un papier dont le service a besoin.": (
        "Tick at least one paper the service needs."
    ),
    "Cochez au moins une personne.": "Tick at least one person.",
    "De quoi la personne a-t-elle besoin ?": "What does the person need?",
    "Demandes en attente": "Requests waiting",
    "Dont finissant dans les 7 jours": "Of which ending within 7 days",
    "Démarche": "Procedure",
    "Départ": "Leaving",
    "En attente de l'accord de la personne": "Waiting for the person's agreement",
    "En cas de départ, de remplacement ou d'absence. Chaque personne suivie est prévenue et "
    "décide : rien ne change sans son accord.": (
        "When you leave, are replaced or are absent. Each person followed is told and "
        "decides: nothing changes without their agreement."
    ),
    "En tout, {n} papiers de la personne sont bientôt périmés (elle a accepté que vous "
    "voyiez ce nombre).": (
        "In all, {n} of the person's papers expire soon (they agreed that you see this number)."
    ),
    "Envoyer la proposition": "Send the proposal",
    "Envoyer le retour": "Send the return",
    "Envoyer un retour": "Send a return",
    "Envoyés par moi": "Sent by me",
    "Et {n} autres : précisez la recherche.": "And {n} more: narrow the search.",
    "Expire le": "Expires on",
    "Expiré sans être pris": "Expired without being taken",
    "Fermé": "Closed",
    "Fiche de liaison": "Liaison note",
    "Finit bientôt.": "Ends soon.",
    "La charte du territoire ne prévoit aucune démarche pour un relais. Voyez avec le ou la "
    "référent·e de la charte.": (
        "The territory's charter allows no procedure for a relay. Ask the charter officer."
    ),
    "La clé de ce ou cette professionnel·le n'est pas certifiée par le territoire : rien ne "
    "lui est envoyé. Prévenez votre structure.": (
        "This professional's key is not certified by the territory: nothing is sent to them. "
        "Tell your organisation."
    ),
    "La fiche de liaison sera lisible dès que la personne ou le ou la professionnel·le qui "
    "l'a écrite vous l'aura transmise (à sa prochaine visite).": (
        "The liaison note will be readable as soon as the person or the professional who "
        "wrote it has passed it on to you (at their next visit)."
    ),
    "La personne a refusé": "The person refused",
    "La personne choisira elle-même ses documents. Rien n'est envoyé sans son accord.": (
        "The person will choose their documents. Nothing is sent without their agreement."
    ),
    "La personne et le ou la professionnel·le qui l'a orientée liront ce motif. 300 signes "
    "au plus.": (
        "The person and the professional who referred them will read this reason. 300 "
        "characters at most."
    ),
    "La personne n'a pas encore partagé ses papiers avec vous. Elle y sera invitée à sa "
    "prochaine visite.": (
        "The person has not shared their papers with you yet. They will be asked at their "
        "next visit."
    ),
    "La personne ne partage rien en ce moment.": "The person shares nothing at the moment.",
    "La personne reçoit votre proposition dans son coffre. Rien ne change tant qu'elle n'a "
    "pas accepté.": (
        "The person receives your proposal in their vault. Nothing changes until they accept."
    ),
    "La raison": "The reason",
    "Le message est trop long : 2 000 signes au plus.": (
        "The message is too long: 2,000 characters at most."
    ),
    "Les papiers dont le service a besoin": "The papers the service needs",
    "Les personnes": "The persons",
    "Les personnes qui vous ont choisi·e comme référent·e de parcours. Vous ne voyez que ce "
    "qu'elles ont accepté de vous montrer.": (
        "The persons who chose you as their key worker. You see only what they agreed to show you."
    ),
    "Les personnes suivies par": "The persons followed by",
    "Les professionnel·les à qui la personne partage un document en ce moment, parce "
    "qu'elle l'a décidé.": (
        "The professionals the person shares a document with at the moment, because they "
        "decided so."
    ),
    "Moi-même": "Myself",
    "Nommer un·e remplaçant·e": "Name a successor",
    "Orienter une personne": "Refer a person",
    "Orienter une personne : vers quel service ?": "Refer a person: to which service?",
    "Orienter une personne vers ce service": "Refer a person to this service",
    "Orienté·e par": "Referred by",
    "Orienté·e par {professional}, {structure}": "Referred by {professional}, {structure}",
    "Papiers bientôt périmés": "Papers expiring soon",
    "Papiers demandés": "Papers asked for",
    "Papiers partagés pour ce relais": "Papers shared for this relay",
    "Partages en cours": "Shares in force",
    "Personne ne vous a encore choisi·e comme référent·e de parcours.": (
        "Nobody has chosen you as their key worker yet."
    ),
    "Personnes suivies": "Persons followed",
    "Pour quelles personnes ?": "For which persons?",
    "Pour {person}, vers {structure}": "For {person}, to {structure}",
    "Pourquoi ?": "Why?",
    "Pourquoi, et pour quelles personnes ?": "Why, and for which persons?",
    "Prendre le relais": "Take the relay",
    "Pris": "Taken",
    "Pris par {professional} le {date}": "Taken by {professional} on {date}",
    "Proposer d'être référent·e": "Offer to be key worker",
    "Proposer d'être référent·e de parcours": "Offer to be the person's key worker",
    "Proposer le relais": "Propose the relay",
    "Proposé le": "Proposed on",
    "Prévenir les personnes": "Tell the persons",
    "Quelle personne ?": "Which person?",
    "Refuser ce relais": "Decline this relay",
    "Refuser le relais": "Decline the relay",
    "Refusé : « {reason} »": "Declined: “{reason}”",
    "Relais": "Relays",
    "Relais de {person} vers {structure}": "Relay of {person} to {structure}",
    "Relais en cours": "Relays open",
    "Relais proposé pour {person} vers {structure}. La personne doit donner son accord dans "
    "son coffre : la structure ne voit rien avant.": (
        "Relay proposed for {person} to {structure}. The person must agree in their vault: "
        "the organisation sees nothing before."
    ),
    "Relais refusé. La personne et le ou la professionnel·le sont prévenus.": (
        "Relay declined. The person and the professional are told."
    ),
    "Remplacement": "Replacement",
    "Remplaçant·e": "Successor",
    "Retour aux personnes suivies": "Back to the persons followed",
    "Retour de {professional}": "Return from {professional}",
    "Reçus par ma structure": "Received by my organisation",
    "Référent·e depuis le {date}": "Référent since {date}",
    "Service": "Service",
    "Services trouvés": "Services found",
    "Services trouvés : {n}.": "Services found: {n}.",
    "Seulement celles que je choisis": "Only the ones I choose",
    "Son réseau": "Their network",
    "Souhaité avant le {date}.": "Wanted before {date}.",
    "Terminé": "Done",
    "Toutes les personnes suivies": "All the persons followed",
    "Un retour a été envoyé ; il ne vous est pas adressé.": (
        "A return was sent; it is not addressed to you."
    ),
    "Vers : {service}, {structure}": "To: {service}, {structure}",
    "Voir le relais : {structure}": "See the relay: {structure}",
    "Voir le suivi de {person}": "See how {person} is doing",
    "Voir les personnes suivantes": "See the next persons",
    "Votre retour": "Your return",
    "Votre retour est envoyé.": "Your return is sent.",
    "Vous avez pris le relais. {person} et le ou la professionnel·le qui l'a orientée sont "
    "prévenus.": ("You took the relay. {person} and the professional who referred them are told."),
    "Vous n'avez orienté personne.": "You have referred nobody.",
    "Vous passez le relais à {successor}, {structure}.": (
        "You hand over to {successor}, {structure}."
    ),
    "Vous pouvez le proposer à une personne qui vous partage un document ou qui a répondu à "
    "une de vos demandes.": (
        "You can offer it to a person who shares a document with you or answered one of your "
        "requests."
    ),
    "Vous pouvez orienter une personne qui vous partage un document ou qui a répondu à une "
    "de vos demandes.": (
        "You can refer a person who shares a document with you or answered one of your requests."
    ),
    "{category} : valable jusqu'au {date}.": "{category}: valid until {date}.",
    "{professional} passe le relais à {successor}, {structure}.": (
        "{professional} hands over to {successor}, {structure}."
    ),
    "{professional}, {structure} : {purpose}, jusqu'au {date}.": (
        "{professional}, {structure}: {purpose}, until {date}."
    ),
    "{professional}, {structure}, demande un document : {purpose}.": (
        "{professional}, {structure}, asks for a document: {purpose}."
    ),
    "{professional}{profession}, {structure}": "{professional}{profession}, {structure}",
    "{purpose}, proposé le {date}": "{purpose}, proposed on {date}",
    "{structure}, {purpose}, proposé le {date} : {state}": (
        "{structure}, {purpose}, proposed on {date}: {state}"
    ),
    "À : {professional}": "To: {professional}",
    "À quelle personne ?": "To which person?",
    "Écrivez jusqu'à quand dure l'absence : une date dans l'année à venir.": (
        "Write until when the absence lasts: a date within the coming year."
    ),
    "Une date dans l'année à venir. Les personnes le sauront.": (
        "A date within the coming year. The persons will be told."
    ),
    "Choisissez d'abord la personne.": "Choose the person first.",
    "Arrêter ce relais": "Stop this relay",
    "Arrêter ce relais ?": "Stop this relay?",
    "Oui, arrêter le relais": "Yes, stop the relay",
    "Le relais est arrêté. La personne et la structure sont prévenues.": (
        "The relay is stopped. The person and the organisation are told."
    ),
    "Le besoin est couvert : fermer le relais": "The need is met: close the relay",
    "Le besoin est couvert ?": "Is the need met?",
    "Oui, fermer le relais": "Yes, close the relay",
    "Le relais est fermé : le besoin est couvert.": "The relay is closed: the need is met.",
    "La personne et la structure qui reçoit le relais en sont prévenues. Un relais fermé ne "
    "se rouvre pas : il faudra orienter à nouveau.": (
        "The person and the organisation receiving the relay are told. A closed relay does not "
        "reopen: you would have to refer again."
    ),
    "Le {date} à {time}, {person} vous a choisi·e comme référent·e de parcours.": (
        "On {date} at {time}, {person} chose you as their key worker."
    ),
    "Le {date} à {time}, {person} a accepté que vous preniez la suite de son ou sa "
    "référent·e de parcours.": (
        "On {date} at {time}, {person} agreed that you take over from their key worker."
    ),
    "Le {date} à {time}, {person} a répondu non à votre proposition d'être son ou sa référent·e.": (
        "On {date} at {time}, {person} said no to your offer to be their key worker."
    ),
    "Le {date} à {time}, {person} a arrêté avec vous comme référent·e de parcours.": (
        "On {date} at {time}, {person} stopped having you as their key worker."
    ),
    "Le {date} à {time}, relais pour « {purpose} » : {event}. Voir « Relais ».": (
        "On {date} at {time}, relay for “{purpose}”: {event}. See “Relays”."
    ),
    "une personne est orientée": "a person is referred",
    "la personne a donné son accord": "the person agreed",
    "la personne a dit non": "the person said no",
    "le relais est pris": "the relay is taken",
    "la structure a refusé le relais": "the organisation declined the relay",
    # ProConnect (docs/PROCONNECT.md): the login screen and the screen back from it.
    "Professionnel·le d'un service public ?": "Working for a public service?",
    "Se connecter avec ProConnect": "Log in with ProConnect",
    "ProConnect a confirmé qui vous êtes. Votre phrase secrète ouvre votre coffre : elle ne "
    "quitte pas cet appareil.": (
        "ProConnect confirmed who you are. Your passphrase opens your vault: it never leaves "
        "this device."
    ),
    "Bonjour {name}.": "Hello {name}.",
    "La connexion avec ProConnect n'a pas abouti. Recommencez, ou ouvrez votre coffre avec "
    "votre identifiant et votre phrase secrète.": (
        "Logging in with ProConnect did not succeed. Try again, or open your vault with your "
        "login and passphrase."
    ),
    "Votre identité ProConnect n'est liée à aucun compte du coffre. Demandez une invitation à "
    "l'administrateur de votre structure, puis ouvrez son lien et choisissez « Rejoindre "
    "avec ProConnect ».": (
        "Your ProConnect identity is not linked to any account of this vault. Ask your "
        "organisation's admin for an invitation, then open its link and choose “Join with "
        "ProConnect”."
    ),
    # Joining with ProConnect, its SIRET, the professional's "ProConnect" screen.
    "Professionnel·le d'un service public, invité·e par votre structure ? ProConnect confirme "
    "qui vous êtes, puis vous choisissez ici votre phrase secrète.": (
        "Working for a public service, invited by your organisation? ProConnect confirms who "
        "you are, then you choose your passphrase here."
    ),
    "Rejoindre avec ProConnect": "Join with ProConnect",
    "ProConnect a confirmé qui vous êtes. Choisissez maintenant votre pseudonyme et votre "
    "phrase secrète : elle ouvre votre coffre et ne quitte pas cet appareil.": (
        "ProConnect confirmed who you are. Now choose your username and your passphrase: it "
        "opens your vault and never leaves this device."
    ),
    "J'ai déjà un compte dans ce coffre": "I already have an account in this vault",
    "ProConnect": "ProConnect",
    "Défaire le lien avec ProConnect": "Undo the link with ProConnect",
    "Vous vous connecterez alors avec votre pseudonyme et votre phrase secrète. Pour lier "
    "ProConnect de nouveau, il faudra une nouvelle invitation de votre structure.": (
        "You will then log in with your username and passphrase. To link ProConnect again, "
        "you will need a new invitation from your organisation."
    ),
    "Défaire le lien": "Undo the link",
    "Dans ProConnect, vous vous êtes connecté·e pour un autre organisme que votre structure. "
    "Recommencez en choisissant l'organisme de votre structure, ou demandez à son "
    "administrateur de vérifier le SIRET enregistré dans le coffre.": (
        "In ProConnect, you logged in for another organisation than yours. Start again and "
        "choose your organisation, or ask its admin to check the SIRET recorded in the vault."
    ),
    "Ce lien d'invitation ne permet pas de rejoindre avec ProConnect (il a expiré, ou il est "
    "destiné à une personne accompagnée). Demandez une nouvelle invitation à "
    "l'administrateur de votre structure.": (
        "This invitation link cannot be used to join with ProConnect (it has expired, or it is "
        "meant for a person being supported). Ask your organisation's admin for a new "
        "invitation."
    ),
    "Votre compte est lié à ProConnect depuis le {date}. Vous pouvez vous connecter avec "
    "ProConnect, puis votre phrase secrète.": (
        "Your account has been linked to ProConnect since {date}. You can log in with "
        "ProConnect, then your passphrase."
    ),
    "Votre compte n'est pas lié à ProConnect : vous vous connectez avec votre pseudonyme et "
    "votre phrase secrète. Pour le lier, demandez une invitation à l'administrateur de votre "
    "structure, ouvrez-la et choisissez « Rejoindre avec ProConnect ».": (
        "Your account is not linked to ProConnect: you log in with your username and "
        "passphrase. To link it, ask your organisation's admin for an invitation, open it and "
        "choose “Join with ProConnect”."
    ),
    "C'est fait : votre compte n'est plus lié à ProConnect. Vous vous connectez avec votre "
    "pseudonyme et votre phrase secrète.": (
        "Done: your account is no longer linked to ProConnect. You log in with your username "
        "and passphrase."
    ),
    "Ce n'est pas la bonne phrase secrète. Le lien avec ProConnect est toujours là.": (
        "That is not the right passphrase. The link with ProConnect is still there."
    ),
    "le relais a expiré sans être pris": "the relay expired without being taken",
    "le relais est fermé": "the relay is closed",
    "un retour est arrivé": "a return arrived",
    "le relais n'est toujours pas pris": "the relay is still not taken",
    "il a changé": "it changed",
    "Le {date} à {time}, rappel : le relais pour « {purpose} » n'est toujours pas pris. "
    "Vous en restez responsable : relancez la structure ou voyez avec la personne.": (
        "On {date} at {time}, reminder: the relay for “{purpose}” is still not taken. You "
        "remain responsible: follow up with the organisation or talk with the person."
    ),
    "Écrivez la fiche de liaison : quelques mots pour le service.": (
        "Write the liaison note: a few words for the service."
    ),
    "Écrivez un besoin ou un lieu.": "Write a need or a place.",
    "Écrivez votre retour.": "Write your return.",
    # Certificates with a life, the person's side (issue 17: trust-v2.js, person-held.js).
    "Ce ou cette professionnel·le n'a plus accès au coffre : sa structure ou le territoire le "
    "lui a retiré. Par sécurité, rien n'a été partagé. Demandez à votre structure à qui vous "
    "adresser.": (
        "This professional no longer has access to the vault: their organisation or the "
        "territory withdrew it. To be safe, nothing was shared. Ask your organisation who to "
        "turn to."
    ),
    "L'accès au coffre de ce ou cette professionnel·le a pris fin et sa structure ne l'a pas "
    "encore renouvelé. Par sécurité, rien n'a été partagé. Vous pourrez partager quand ce sera "
    "fait.": (
        "This professional's access to the vault has ended and their organisation has not "
        "renewed it yet. To be safe, nothing was shared. You can share once it is done."
    ),
    "Votre coffre ne peut pas vérifier pour l'instant que ce ou cette professionnel·le a "
    "toujours accès au coffre. Par sécurité, rien n'a été partagé. Réessayez plus tard ; si "
    "cela dure, prévenez le ou la référent·e de la charte.": (
        "Your vault cannot check right now that this professional still has access to the "
        "vault. To be safe, nothing was shared. Try again later; if it lasts, tell the charter "
        "officer."
    ),
    "Attention : le coffre présente un code de territoire qui n'a pas été validé par celui "
    "que vous aviez vérifié. Par sécurité, rien n'a été partagé. Ne confiez rien et prévenez "
    "le ou la référent·e de la charte.": (
        "Warning: the vault shows a territory code that was not validated by the one you "
        "checked. To be safe, nothing was shared. Entrust nothing and tell the charter officer."
    ),
    "Le {date} à {time}, un ou une professionnel·le à qui vous avez partagé des documents "
    "n'a plus accès au coffre ({n} partage(s)). Voyez « Mes partages » pour savoir qui, et "
    "partager à nouveau si c'est possible.": (
        "On {date} at {time}, a professional you shared documents with no longer has access "
        "to the vault ({n} share(s)). See “My shares” to know who, and to share again if "
        "possible."
    ),
    "{professional} ({structure}) a un nouvel accès au coffre": (
        "{professional} ({structure}) has a new access to the vault"
    ),
    "Pour que {professional} puisse encore voir ce que vous avez partagé pour « {purpose} », "
    "partagez-le à nouveau. Le partage garde la même fin : le {date}.": (
        "So that {professional} can still see what you shared for “{purpose}”, share it "
        "again. The share keeps the same end: {date}."
    ),
    "Partager à nouveau": "Share again",
    "C'est fait : {professional} peut de nouveau voir ce que vous avez partagé pour "
    "« {purpose} ».": "Done: {professional} can see again what you shared for “{purpose}”.",
    "{professional} ({structure}) n'a plus accès au coffre": (
        "{professional} ({structure}) no longer has access to the vault"
    ),
    "Sa structure ou le territoire lui a retiré son accès. Cette personne ne peut plus ouvrir "
    "ce que vous lui aviez partagé pour « {purpose} », ni rien recevoir de vous. Vous pouvez "
    "arrêter ce partage.": (
        "Their organisation or the territory withdrew their access. This person can no longer "
        "open what you shared with them for “{purpose}”, nor receive anything from you. You "
        "can stop this share."
    ),
    "Arrêter ce partage": "Stop this share",
    "Le coffre a une nouvelle clé de confiance, validée par l'ancienne": (
        "The vault has a new trust key, validated by the old one"
    ),
    "Votre territoire a changé le code qui garantit que les professionnel·les sont bien qui "
    "ils disent être. L'ancien code, celui que vous aviez vérifié, a validé le nouveau : vous "
    "n'avez rien à faire, vos partages continuent.": (
        "Your territory changed the code that guarantees professionals are who they say they "
        "are. The old code, the one you checked, validated the new one: you have nothing to "
        "do, your shares go on."
    ),
    "Le nouveau code est celui qu'affiche désormais la page de la charte.": (
        "The new code is the one the charter page now shows."
    ),
    "Votre certificat a pris fin : votre structure doit le renouveler avant que vous "
    "puissiez déposer un document. Rien n'a été envoyé.": (
        "Your certificate has ended: your organisation must renew it before you can deposit "
        "a document. Nothing was sent."
    ),
    "Votre certificat a été révoqué : vous ne pouvez plus déposer de document. Voyez "
    "l'administrateur·rice de votre structure. Rien n'a été envoyé.": (
        "Your certificate was revoked: you can no longer deposit documents. See your "
        "organisation's administrator. Nothing was sent."
    ),
    "Le coffre ne peut pas vérifier votre certificat pour l'instant (liste des révocations "
    "pas à jour, ou clé du territoire non validée). Rien n'a été envoyé. Réessayez plus "
    "tard ; si cela dure, prévenez votre structure.": (
        "The vault cannot check your certificate right now (revocation list out of date, or "
        "territory key not validated). Nothing was sent. Try again later; if it lasts, tell "
        "your organisation."
    ),
    # The territory admin signs the revocation list (admin-revocations.js).
    "Révocations": "Revocations",
    "Liste des certificats révoqués": "List of revoked certificates",
    "Avant de confier un document à un professionnel, chaque coffre vérifie cette liste, "
    "signée par la clé du territoire. Signez-la dès qu'un certificat est révoqué, et au moins "
    "tous les 31 jours.": (
        "Before entrusting a document to a professional, every vault checks this list, signed "
        "by the territory's key. Sign it as soon as a certificate is revoked, and at least "
        "every 31 days."
    ),
    "Votre phrase secrète, pour signer avec la clé du territoire": (
        "Your passphrase, to sign with the territory's key"
    ),
    "Elle reste sur cet appareil : la clé est ouverte le temps de signer, puis effacée.": (
        "It stays on this device: the key is opened while signing, then erased."
    ),
    "Signer la liste": "Sign the list",
    "Aucun certificat n'est révoqué : il n'y a pas encore de liste à signer.": (
        "No certificate is revoked: there is no list to sign yet."
    ),
    "À signer : {n} certificat(s) révoqué(s) ne sont pas encore dans la liste. Tant qu'elle "
    "n'est pas signée, les coffres ne le savent pas.": (
        "To sign: {n} revoked certificate(s) are not in the list yet. Until it is signed, the "
        "vaults do not know."
    ),
    "La liste en vigueur prend fin le {date} à {time} : signez la suivante. Sans liste à "
    "jour, les coffres refusent de partager.": (
        "The list in force ends on {date} at {time}: sign the next one. Without an up-to-date "
        "list, the vaults refuse to share."
    ),
    "La liste n° {sequence} est à jour, jusqu'au {date} à {time}.": (
        "List no. {sequence} is up to date, until {date} at {time}."
    ),
    "Certificats révoqués et pas encore terminés : {n}.": (
        "Certificates revoked and not yet ended: {n}."
    ),
    "Écrivez votre phrase secrète pour signer.": "Write your passphrase to sign.",
    "Cette phrase secrète n'ouvre pas votre clé. Rien n'a été signé. Réessayez.": (
        "This passphrase does not open your key. Nothing was signed. Try again."
    ),
    "La clé du territoire a changé et n'est pas celle de votre compte : signez la liste avec "
    "la commande « coffre territory revocations sign » et la nouvelle clé. Rien n'a été "
    "signé.": (
        "The territory's key changed and is not your account's: sign the list with the "
        "command “coffre territory revocations sign” and the new key. Nothing was signed."
    ),
    "C'est fait : la liste n° {sequence} est signée et publiée, valable jusqu'au {date} à "
    "{time}.": "Done: list no. {sequence} is signed and published, valid until {date} at {time}.",
    # The territory admin certifies a structure's admins (admin-certify.js).
    "Ses administrateur·rices": "Its admins",
    "Structure : {name}": "Organisation: {name}",
    "Personne n'a encore rejoint cette structure comme administrateur·rice : invitez-en un·e.": (
        "Nobody has joined this organisation as its admin yet: invite one."
    ),
    "La clé du territoire a changé et n'est pas celle de votre compte : renouvelez ce "
    "certificat avec la commande « coffre certificate renew » et la nouvelle clé "
    "(--root-file). Rien n'a été signé.": (
        "The territory's key changed and is not your account's: renew this certificate with "
        "the command “coffre certificate renew” and the new key (--root-file). Nothing was "
        "signed."
    ),
    "Administrateur·rices de la structure": "The organisation's admins",
    "Administrateur·rices": "Admins",
    "Leur certificat est signé par la clé du territoire, la vôtre : il dit aux "
    "professionnel·les et aux personnes que leur clé est bien la leur. Il a une fin : "
    "renouvelez-le avant, en vérifiant de nouveau leur code face à face.": (
        "Their certificate is signed by the territory's key, yours: it tells professionals and "
        "persons that their key really is theirs. It ends: renew it before, checking their "
        "code face to face again."
    ),
    # A professional's "Changer mes clés" (web/templates/vault/_pro_keys.html).
    "Cochez la case pour dire que vous avez lu ce qui va se passer.": (
        "Tick the box to say you have read what will happen."
    ),
    "Tapez votre phrase secrète actuelle.": "Type your current passphrase.",
    "Cette phrase secrète n'est pas la bonne. Rien n'a été changé.": (
        "This is not the right passphrase. Nothing was changed."
    ),
    "Création de vos nouvelles clés sur cet appareil… Cela prend quelques secondes.": (
        "Making your new keys on this device… This takes a few seconds."
    ),
    "Vos clés sont changées. Faites maintenant certifier votre nouvelle clé.": (
        "Your keys are replaced. Now have your new key certified."
    ),
    "Vos clés n'ont pas pu être changées. Rien n'a été changé : réessayez.": (
        "Your keys could not be replaced. Nothing was changed: try again."
    ),
    "Changer mes clés": "Replace my keys",
    "Nouvelle clé à certifier : son ancienne clé est révoquée. Comparez son code face à "
    "face, puis certifiez.": (
        "New key to certify: their old key is revoked. Compare its code face to face, then certify."
    ),
    "À faire si votre téléphone ou votre ordinateur a été perdu ou volé, ou si quelqu'un a "
    "pu voir votre phrase secrète ou votre clé.": (
        "To do if your phone or computer was lost or stolen, or if someone may have seen "
        "your passphrase or your key."
    ),
    "Ce qui va se passer": "What will happen",
    "Votre clé actuelle est retirée tout de suite : plus personne ne peut s'en servir pour "
    "vous partager ou vous confier un document.": (
        "Your current key is withdrawn at once: nobody can use it any more to share or "
        "entrust a document to you."
    ),
    "L'administrateur·rice de votre structure doit certifier votre nouvelle clé, face à "
    "face, en comparant son code avec vous. Jusque-là, rien de nouveau ne vous est "
    "partagé.": (
        "Your structure's admin must certify your new key, face to face, comparing its "
        "code with you. Until then, nothing new is shared with you."
    ),
    "Les personnes qui vous avaient partagé des documents seront invitées à les partager à "
    "nouveau lors de leur prochaine visite. Ce qu'elles vous avaient partagé avec "
    "l'ancienne clé ne s'ouvre plus.": (
        "The persons who shared documents with you will be asked to share them again at "
        "their next visit. What they shared with you under the old key no longer opens."
    ),
    "Votre phrase secrète reste la même. Vous recevez un nouveau code de récupération : "
    "l'ancien ne sert plus.": (
        "Your passphrase stays the same. You get a new recovery code: the old one no longer works."
    ),
    "Vos autres sessions ouvertes (sur un appareil perdu par exemple) sont fermées.": (
        "Your other open sessions (on a lost device, for example) are closed."
    ),
    "J'ai lu ce qui va se passer": "I have read what will happen",
    "Votre phrase secrète actuelle": "Your current passphrase",
    "Votre nouvelle clé": "Your new key",
    "Montrez ce code à l'administrateur·rice de votre structure, face à face, ou laissez-le "
    "ou la scanner le QR code : il ou elle le compare avec celui de son écran, puis "
    "certifie votre nouvelle clé.": (
        "Show this code to your structure's admin, face to face, or let them scan the QR "
        "code: they compare it with the one on their screen, then certify your new key."
    ),
    "Les personnes qui vous avaient partagé des documents verront à leur prochaine visite "
    "qu'elles peuvent les partager à nouveau, une fois votre nouvelle clé certifiée.": (
        "The persons who shared documents with you will see at their next visit that they "
        "can share them again, once your new key is certified."
    ),
    "Noter mon nouveau code de récupération": "Write down my new recovery code",
    "Appareil perdu ou volé ?": "Device lost or stolen?",
    "Si votre téléphone ou votre ordinateur a été perdu ou volé, ou si votre clé a pu être "
    "vue, changez vos clés.": (
        "If your phone or computer was lost or stolen, or if your key may have been seen, "
        "replace your keys."
    ),
}

PO = Path(__file__).resolve().parent.parent / "web/locale/en/LC_MESSAGES/messages.po"


def main() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in EN:
            message.string = EN[message.id]
            message.flags.discard("fuzzy")  # a guess of pybabel update, now checked
        elif not message.string:
            missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, omit_header=False)
    if missing:
        raise SystemExit(f"untranslated: {missing}")


if __name__ == "__main__":
    main()
