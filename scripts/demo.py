"""A small demo against a running server, through the real client (encryption included).

Signs up (or logs in) the demo person, encrypts and uploads a sample document,
lists the vault with names decrypted locally, downloads it back and checks that
it is byte-identical. The demo passphrase is public: never use it for real.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import httpx

from client import ApiError, CoffreClient

DEMO_LOGIN = "demo"
DEMO_PASSPHRASE = "demo coffre solidaire public jamais en vrai"
SAMPLE = (
    "ATTESTATION D'ÉLECTION DE DOMICILE (exemple de démonstration)\n"
    "Le CCAS de Clermont-Ferrand atteste que M. Exemple est domicilié à l'adresse du CCAS.\n"
)


def wait_for(base_url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer on {base_url}")


def main(base_url: str) -> None:
    wait_for(base_url)
    with CoffreClient(base_url) as client:
        try:
            logged = client.login(DEMO_LOGIN, DEMO_PASSPHRASE)
            print(f"Demo: logged in as '{DEMO_LOGIN}'.")
        except ApiError as exc:
            if exc.code != "invalid_credentials":
                raise
            outcome = client.signup(DEMO_LOGIN, DEMO_PASSPHRASE)
            logged = client.login(DEMO_LOGIN, DEMO_PASSPHRASE)
            print(
                f"Demo: created the vault '{DEMO_LOGIN}' (recovery code {outcome.recovery_code})."
            )
        migrated = client.migrate_to_v2(logged.keys)  # crypto format v2 (SPEC Part II)
        if migrated.switched:
            print(f"Demo: the vault moved to format v2 ({migrated.bound} document(s) signed).")
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "attestation-domiciliation.txt"
            source.write_text(SAMPLE, encoding="utf-8")
            document_id = client.upload(source, "domicile", keys=logged.keys)
            print(f"Demo: encrypted, signed and uploaded a document ({document_id}).")
            entries = client.list_documents(logged.keys)
            print(f"Demo: the vault holds {len(entries)} document(s):")
            for entry in entries:
                print(f"  - {entry.id}  {entry.category:<12} {entry.metadata.name}")
            back = Path(tmp) / "back.txt"
            client.download(document_id, back, logged.keys)
            same = back.read_bytes() == source.read_bytes()
            print(f"Demo: downloaded and decrypted it again: byte-identical = {same}.")
        client.logout()
    print(
        "\nTry the CLI yourself (another terminal):\n"
        f"  .venv/bin/coffre signup --login moi --server {base_url}\n"
        "  .venv/bin/coffre upload FICHIER --category domicile\n"
        "  .venv/bin/coffre list\n"
        "  .venv/bin/coffre download ID -o copie.pdf"
    )
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
