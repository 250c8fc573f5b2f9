"""State changes of the 积分超市 plugin, one module per concern; each takes the acting user as ``actor``."""
