"""Models of the experts app (filled by its own issue)."""
