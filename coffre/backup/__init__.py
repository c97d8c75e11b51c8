"""Backups and restores (``coffre backup``, ``coffre restore``; docs/OPERATIONS.md).

One backup = one consistent database snapshot + every object its live documents name +
a manifest of SHA-256 hashes written last, each file age-encrypted (pyrage) to the
operator's public key(s), streamed, into a directory or an S3 bucket. The restore goes
into an empty database and an empty store only, checks every hash before anything
counts as restored, and leaves ``coffre doctor`` to confirm rows and objects match and
the audit trail verifies.

- ``streams``: age as iterators of chunks, hashing on the way;
- ``places``: a directory or an S3 prefix, each file whole or absent;
- ``database``: the snapshot (pg_dump with an exported snapshot; sqlite3's backup API)
  and its all-or-nothing load;
- ``manifest``: the manifest's format;
- ``service``: the order of the steps.
"""
