"""The plugin host: hook specifications, discovery through entry points, per-county hook callers."""
