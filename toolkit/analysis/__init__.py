"""Layer 4 — analyses over KPI results: comparisons (`compare`), gap drivers (`drivers`),
anomalies, staffing (Erlang C and by hour). Independent of survey/, qa/ and loop/."""
