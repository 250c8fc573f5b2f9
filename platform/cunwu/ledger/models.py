"""Models of ledger."""
