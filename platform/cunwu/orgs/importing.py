"""Import households and residents from .xlsx/.csv (filled in by the orgs work)."""
