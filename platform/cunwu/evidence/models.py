"""Models of evidence."""
