"""Layer 2 — files in, store out: readers, the mapping language (and its SQL check), validation,
the canonical schema, suggest, the store, survey definitions, built-in mappings (`mappings/*.yaml`).
`pipeline` runs an ingest end to end."""
