"""Who may write: API tokens with scopes, checked on every write route."""
