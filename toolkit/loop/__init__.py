"""Layer 4 — the improvement loop: actions with owners, deadlines, status and before/after effect
(complaints join here when they land)."""
