"""Models of meetings."""
