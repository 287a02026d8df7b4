"""Months of the monthly allowance: first-of-month dates (the arithmetic lives in ``vn.months``, shared
with the health-insurance lists)."""

from __future__ import annotations

from data_layer.vn.months import add_months, from_index, month_arg, month_index, month_of, months_from

__all__ = ["add_months", "from_index", "month_arg", "month_index", "month_of", "months_from"]
