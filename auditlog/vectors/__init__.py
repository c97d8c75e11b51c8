"""Vectors of the audit log format (auditlog/SPEC.md) and their generators."""
