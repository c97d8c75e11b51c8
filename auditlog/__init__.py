"""The audit log's format: what anyone needs to verify Coffre's log, and nothing of Coffre.

Like ``crypto/``, this package is pure functions over bytes (PyNaCl, rfc8785 and the
standard library) and imports nothing of the server, the pages, the CLI or the client
(an import-linter contract keeps it so), so the server, ``coffre audit verify``, the
client, ``coffre-verify`` and a third party all check the log with the same code. The
format is written down in ``auditlog/SPEC.md``, with vectors in ``auditlog/vectors/``.

- ``merkle``: the RFC 6962 / RFC 9162 §2.1 Merkle tree (leaf and node hashes, roots,
  inclusion and consistency proofs from the full list of leaves, ``CompactRange``);
- ``events``: what a leaf commits to (a salted hash of the RFC 8785 canonical event);
- ``note``: C2SP signed notes with Ed25519 keys and Go's sumdb/note key strings;
- ``checkpoint``: C2SP tlog-checkpoint text;
- ``proofs``: inclusion and consistency proofs made from a source of stored hashes;
- ``tiles``: C2SP tlog-tiles (tile paths, tiles, entry bundles, reading a tree back);
- ``keys``: the log key's history (rotation statements signed by the old key and the new);
- ``cosignature``: C2SP tlog-cosignature.

Failures to verify raise ``ProofError`` (tree, event, tile) or ``NoteError`` (note,
checkpoint, key string); each carries a stable ``code``. A caller's programming error
raises ValueError.
"""
