"""The MILP: variables, one module per family group (money, people, logic, risk,
scope and curve for partial funding, funding for funding sources, objective),
build (FAMILIES, the table of contents), LinearModel, decode, transforms."""
