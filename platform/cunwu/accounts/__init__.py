"""User accounts: one table per schema, so a county's users exist only in that county."""
