"""Idempotency keys: a creating request sent twice (a retry after a lost answer) makes
one thing, and the second sending gets the first answer (docs/PARTNERS.md)."""
