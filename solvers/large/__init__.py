"""Heuristics for large portfolio models: greedy plans, Lagrangian prices, neighbourhood search."""
