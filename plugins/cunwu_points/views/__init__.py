"""Pages of the 积分超市, one module per role: registrar and reviewer, counter, villager, overview."""
