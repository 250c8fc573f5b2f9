"""Run the platform locally (filled in by the devstack work)."""
