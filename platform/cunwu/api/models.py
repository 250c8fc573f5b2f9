"""Models of api."""
