"""Policy packs: a county's local rules as validated data (``tenants/*.toml``)."""
