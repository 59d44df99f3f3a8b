"""The revisions, oldest first: 0001 the baseline (portfolios, jobs), 0002
keys, audit, decisions, organisations and documents as JSON."""
