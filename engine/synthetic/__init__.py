"""Synthetic portfolios: generated ones of any size, and OR-Library knapsacks as portfolios."""
