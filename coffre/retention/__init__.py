"""The end of every trace's retention: one job (``retention.run``, hourly, and ``coffre
jobs retention``) removes what has been kept long enough.

- The audit trail: entries' bodies after ``COFFRE_AUDIT_RETENTION_DAYS`` (CNIL
  délibération 2021-122: 6 to 12 months), by ``AuditLog.purge_expired``
  (``coffre.audit.retention``: the leaves, the chain and every checkpoint stay valid;
  each batch is recorded by an ``audit.retention`` entry).
- The other data (``service.KINDS``): failed logins, sessions, notification and webhook
  deliveries, and what an erased account leaves; in batches, each batch recorded by a
  ``retention.data`` entry that says how many rows of each kind went and the rule.

Every period is counted in whole days (``coffre.audit.retention.cutoff_of``): runs of
one day share their cutoffs, so of the hourly runs (in several processes) the first
after midnight removes and records, the others find nothing and record nothing.
docs/OPERATIONS.md ("Retention") lists every kind of data with its period.
"""
