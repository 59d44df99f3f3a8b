"""spmo: strategic portfolio optimisation."""
