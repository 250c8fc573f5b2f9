"""A county's organisation: townships, villages, villager groups, households, residents and bodies."""
