"""Models of the 积分超市 plugin."""
