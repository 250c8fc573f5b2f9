"""审计 — the append-only audit trail: who changed what, when, from where, before and after.

Modules call :func:`cunwu.audit.services.record` from their services (one INSERT); models edited only
through forms can be marked with :func:`cunwu.audit.registry.audited`.
"""
