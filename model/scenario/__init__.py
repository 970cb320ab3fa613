"""Scenario input: the schema, the loader (extends, overrides, validation) and the provenance of every number."""
