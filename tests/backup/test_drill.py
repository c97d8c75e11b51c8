"""The restore drill (issue 21): backup → wipe → restore → doctor → a person downloads
their documents byte-identical and a grantee pulls, on both backends; the backup goes
to a directory (SQLite + local) and to an S3 bucket (PostgreSQL + SeaweedFS)."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from client import consent
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.backup.conftest import AgeKey, command
from tests.consent.world import build_consent_world


def test_backup_wipe_restore_doctor_then_the_person_and_the_grantee_get_their_documents(
    backend: str,
    settings: Settings,
    empty_target: Settings,
    clock: FrozenClock,
    age_key: AgeKey,
    tmp_path: Path,
) -> None:
    with TestClient(create_app(settings, clock=clock)) as api:
        cw = build_consent_world(api, tmp_path)
        big = tmp_path / "releve.pdf"
        big.write_bytes(os.urandom(3 * 1024 * 1024 + 17))  # several age and S3 chunks
        big_id = cw.person.client(api).upload(
            big, "domicile", box_public_key=cw.person.keys.box_public, mime="application/pdf"
        )
        grant = cw.share([cw.identity, cw.address])
        api.app.state.coffre.audit.checkpoint()  # type: ignore[attr-defined]

        # The backup runs while the person keeps uploading: what it holds must still be
        # one state (each document with its object, no object without its document).
        during: list[str] = []
        started, stop = threading.Event(), threading.Event()

        def keep_uploading() -> None:
            client = cw.person.client(api)
            while not stop.is_set():
                path = tmp_path / f"pendant-{len(during)}.txt"
                path.write_bytes(b"pendant la sauvegarde %d " % len(during) * 40)
                during.append(
                    client.upload(
                        path,
                        "domicile",
                        box_public_key=cw.person.keys.box_public,
                        mime="text/plain",
                    )
                )
                started.set()

        uploader = threading.Thread(target=keep_uploading)
        uploader.start()
        try:
            assert started.wait(timeout=30)
            if backend.startswith("sqlite"):
                to = str(tmp_path / "backups")
            else:
                to = f"s3://{settings.s3_bucket}-backups/nuit"
            made = command(settings)(
                "backup", "--to", to, "--recipient", age_key.recipient, "--keep", "7"
            )
        finally:
            stop.set()
            uploader.join()
    assert made.exit_code == 0, made.output
    saved = int(re.findall(r"(\d+) objet\(s\)", made.output)[0])
    assert 4 + 1 <= saved <= 4 + len(during)
    assert "manifeste écrit en dernier" in made.output
    location = made.output.split("Sauvegarde écrite : ")[1].splitlines()[0]
    assert location.startswith(to + "/coffre-")

    # Wiped: a new host, an empty database and an empty store, the same secrets.
    restored = command(empty_target)(
        "restore", "--from", location, "--identity", str(age_key.identity_file)
    )
    assert restored.exit_code == 0, restored.output
    assert "toutes les empreintes vérifiées" in restored.output
    assert (
        f"objets stockés : {saved} ; documents en vigueur qui en nomment un : {saved}"
        in restored.output
    )
    assert "Journal d'audit :" in restored.output and "Tout est en ordre." in restored.output

    with TestClient(create_app(empty_target, clock=clock)) as api:
        person = cw.person.client(api)
        for document_id, original in (
            (cw.identity, b"carte d'identite" * 100),
            (cw.address, b"facture EDF" * 100),
            (cw.health, b"certificat medical" * 100),
            (big_id, big.read_bytes()),
        ):
            out = tmp_path / f"download-{document_id}"
            person.download(document_id, out, cw.person.keys)
            assert out.read_bytes() == original
        listed = api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
        known = {cw.identity, cw.address, cw.health, big_id, *during}
        assert len(listed) == saved and {d["id"] for d in listed} <= known
        copy = consent.pull(
            cw.professional.client(api), cw.professional.keys, str(grant["id"]), cw.address
        )
        assert copy.content == b"facture EDF" * 100

    doctor = command(empty_target)("doctor")
    assert doctor.exit_code == 0, doctor.output
