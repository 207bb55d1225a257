"""Layer 6 — reports that reach their readers: schedules, the delivery log, the e-mail message and
SMTP sending (spec/delivery.md). Empty until delivery lands."""
