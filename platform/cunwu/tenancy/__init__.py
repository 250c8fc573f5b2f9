"""Counties (tenants), their domains, plugin enablement and policy versions: the public schema."""
