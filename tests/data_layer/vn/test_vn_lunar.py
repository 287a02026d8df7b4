"""Tết by the Vietnamese lunar calendar (UTC+7), which differs from the Chinese one in some years."""

from datetime import date

import pytest

from data_layer.vn.lunar import tet


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (1985, date(1985, 1, 21)),  # China: 20/02/1985
        (2007, date(2007, 2, 17)),  # China: 18/02/2007
        (2024, date(2024, 2, 10)),
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        (2027, date(2027, 2, 6)),  # Tết Đinh Mùi
    ],
)
def test_tet(year, day):
    assert tet(year) == day
