"""Layer 4 — quality assurance: review sampling (stratified worksheets) and the QA summary."""
