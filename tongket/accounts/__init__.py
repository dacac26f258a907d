"""Users, scoped grants and API tokens."""
