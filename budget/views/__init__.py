"""Targets and budget pages (SPEC §7, §9 "Mål og økonomi"), one module per concern.

Managers (view_dashboard) get the dashboard, read from stored snapshots: counts, rates and
money, never a name. Budget officers (manage_budget) get the budget and expenditures.
Neither role sees case data; a family appears on an expenditure only as its case number.
"""
