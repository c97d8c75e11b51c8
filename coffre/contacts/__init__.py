"""Recovery through a trusted contact (crypto/SPEC.md §28; docs/ROLES.md)."""
