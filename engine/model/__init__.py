"""The MILP: variables, one module per family group (money, people, logic, risk,
objective), build (FAMILIES, the table of contents), LinearModel, decode, transforms."""
