"""Layer 4 — the customer's voice: survey summary (response rate, CSAT/NPS with intervals),
comment themes, follow-ups of unhappy customers, the non-response check."""
