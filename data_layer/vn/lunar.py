"""Vietnamese lunar dates: Tết (the first day of the lunar year) by the Vietnamese calendar, UTC+7.

The Vietnamese calendar is computed for Vietnam's time zone, so it differs from the Chinese one in
some years (Tết 1985 fell on 21/01 in Vietnam, 20/02 in China). ``lunar-vn`` implements Hồ Ngọc
Đức's published algorithm (astronomical new moons and solar terms) with that time zone.
"""

from __future__ import annotations

from datetime import date

from lunar_vn import convert_lunar_to_solar

VIETNAM_UTC_OFFSET = 7.0


def tet(year: int) -> date:
    """The day of Tết Nguyên đán of the lunar year that begins in ``year`` (06/02/2027 for Đinh Mùi)."""
    return convert_lunar_to_solar(1, 1, year, 0, VIETNAM_UTC_OFFSET)
