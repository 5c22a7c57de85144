"""Moving articles between the editorial exchange format (data/ folders) and the store."""
