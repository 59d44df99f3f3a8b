"""The domain: portfolio tables, reading and validation, derived quantities, the MILP
model (model/: encode and decode), the independent checker, the Plan and its words.
Owns: io (with raw, xlsx: safe workbook reading, typed_text: what people type),
validate (rules, rules_funding), portfolio, derive, rows (row names), model/,
check (check_funding, violations), scope_curve, uncertainty, plan, report,
msp (reading a Project Online Portfolio Analysis).
May import: no other spmo package. Imported by: every other layer."""
