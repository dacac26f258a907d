"""Indicators, targets (term, annual plan, budget estimate) and actuals per period."""
