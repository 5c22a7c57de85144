"""Facts: typed facts and a timeline with provenance, their rendering and their checks."""
