"""A look before money moves: what setting a standard will do, and the build then doing exactly that."""

from datetime import date

import pytest

from data_layer.allowance.payroll_figures import payroll_figures
from data_layer.allowance.reference import set_standard
from data_layer.allowance.standard_preview import preview_standard
from data_layer.core.access import Scope
from data_layer.core.codes import StandardKind
from data_layer.core.db import write_session
from data_layer.core.errors import Forbidden, Invalid
from data_layer.core.versioning import data_version
from tests.data_layer.allowance.test_allowance_outputs import city
from tests.data_layer.allowance_helpers import SYSTEM, M, build, entitle, person

MARCH, JANUARY = date(2025, 3, 10), date(2025, 1, 1)


def preview(engine, kind=StandardKind.STANDARD, start=JANUARY, amount=600_000, scope=SYSTEM):
    with write_session(engine) as session:
        return preview_standard(session, scope, kind, start, amount, today=MARCH)


@pytest.fixture
def two_wards(engine, wards):
    """city(): ward A, 01 and 02/2025 locked, 03 open; and in ward B an elder paid since 01/2025."""
    elder = person(engine, wards["B"], "Cụ Năm", year=1950)
    entitle(engine, elder, ("5.5a",), M(1, 2025))  # 1.5 × 500,000
    city(engine, wards)
    return wards


def test_a_retroactive_raise_shows_the_locked_months_and_the_arrears_per_ward(engine, two_wards):
    with write_session(engine) as session:
        version = data_version(session)
    seen = preview(engine)
    with write_session(engine) as session:
        assert data_version(session) == version  # a preview writes nothing
    assert (seen.before, seen.locked_months, seen.next_month, seen.next_built) == (
        500_000,
        [M(1, 2025), M(2, 2025)],
        M(3, 2025),
        True,
    )
    by_ward = {w.ward: (w.people, w.arrears, w.recoveries, w.monthly) for w in seen.by_ward}
    # A: 01: Một +150,000, Hai (5.6a, 2.0) +200,000, Bốn +150,000; 02: the same and Ba +150,000;
    # March: Một, Hai, Ba (Bốn died in February)
    assert by_ward == {"Phường A": (4, 1_150_000, 0, 500_000), "Phường B": (1, 300_000, 0, 150_000)}
    assert (seen.total.arrears, seen.total.people) == (1_450_000, 5)
    assert seen.sentences() == [
        "Mức chuẩn trợ giúp xã hội: 500.000 đ → 600.000 đ, áp dụng từ tháng 01/2025.",
        "Thay đổi chạm tới 2 tháng đã khóa: 01/2025, 02/2025.",
        "Danh sách chi trả tháng 03/2025 sẽ có truy lĩnh 1.450.000 đ (5 người).",
        "Trợ cấp tháng 03/2025 tăng 650.000 đ (khi lập lại danh sách).",
        "Hỗ trợ chi phí mai táng đã chi không tính lại.",
    ]
    with write_session(engine) as session:  # saved, then the open month rebuilt: what the preview said
        set_standard(session, SYSTEM, StandardKind.STANDARD, M(1, 2025), 600_000)
    before = _figures(engine)
    build(engine, M(3, 2025))
    after = _figures(engine)
    assert {w: after[w][0] - before[w][0] for w in after} == {"Phường A": 1_150_000, "Phường B": 300_000}
    assert {w: after[w][1] - before[w][1] for w in after} == {"Phường A": 500_000, "Phường B": 150_000}


def _figures(engine) -> dict[str, tuple[int, int]]:
    with write_session(engine) as session:
        figures = payroll_figures(session, SYSTEM, M(3, 2025))
    return {w.ward: (w.arrears, w.amount) for w in figures.by_ward}


def test_a_lower_standard_shows_recoveries_and_a_later_one_reaches_nothing_locked(engine, two_wards):
    lower = preview(engine, start=M(2, 2025), amount=400_000)
    assert lower.locked_months == [M(2, 2025)]
    assert {w.ward: (w.arrears, w.recoveries) for w in lower.by_ward} == {
        "Phường A": (0, 3 * 150_000 + 200_000),  # Một, Ba, Bốn 150,000 each (750,000 → 600,000), Hai 200,000
        "Phường B": (0, 150_000),
    }
    assert "sẽ có truy thu 800.000 đ (5 người)" in lower.sentences()[2]
    later = preview(engine, start=M(7, 2025), amount=540_000)
    assert (later.locked_months, later.by_ward) == ([], [])
    assert later.sentences()[1] == "Không chạm tới tháng nào đã khóa: không phát sinh truy lĩnh, truy thu."


def test_the_pension_and_the_funeral_multiplier_and_bad_values(engine, two_wards, wards):
    funeral = preview(engine, kind=StandardKind.FUNERAL, amount=25)
    assert funeral.sentences()[0] == (
        "Hỗ trợ chi phí mai táng (số lần mức chuẩn): 20 lần mức chuẩn → 25 lần mức chuẩn, "
        "áp dụng từ tháng 01/2025."
    )
    assert funeral.by_ward == []
    with pytest.raises(Invalid):
        preview(engine, amount=0)
    with pytest.raises(Forbidden):
        preview(engine, scope=Scope(user_id=None, username="dk", role="ward", ward_ids=[wards["A"]]))
