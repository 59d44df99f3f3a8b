"""The domain, what the contract means. Owns: io (raw, xlsx, typed_text, msp), validate,
portfolio, derive, rows, model/, check (check_funding, violations), scope_curve,
uncertainty, plan, report.
May import: no other spmo package. Imported by: every other layer."""
