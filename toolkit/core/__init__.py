"""Layer 1 — what every layer may use: config models, periods, errors, YAML loading, statistics,
privacy masking, output safety, package resources. Imports nothing else of toolkit."""
