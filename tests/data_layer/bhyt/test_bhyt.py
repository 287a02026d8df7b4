"""Health-insurance cards the State pays for (issue 24): coverage, the monthly Tăng / Giảm / Điều chỉnh
lists per ward and for the office, the premium at each month's base salary, the lock of a sent month and
corrections carried into the next month, on both databases.

Figures worked by hand: premium = 4.5% of the base salary per person and month:
  1.800.000 đ (07/2023) → 81.000 đ; 2.340.000 đ (07/2024) → 105.300 đ; 2.530.000 đ (07/2026) → 113.850 đ.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text, update

from data_layer.allowance.entitlement_status import stop
from data_layer.bhyt.coverage import coverage
from data_layer.bhyt.lists import list_figures, lock_month, month_lists
from data_layer.bhyt.reference import best_card, load_base_salaries
from data_layer.core.access import Scope
from data_layer.core.codes import BhytSection, PersonStatus, Role, StopReason
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Conflict, Forbidden, Invalid, Locked
from data_layer.core.models import Beneficiary, BeneficiaryCategory, BhytLine, Category
from tests.data_layer.allowance_helpers import M, entitle, person

SYSTEM = Scope.system()
BORN = date(1940, 5, 1)  # 86 in 2026: the social pension (HTXH) applies


def pensioner(engine, ward_id: int, name: str, start: date, **extra) -> tuple[int, int]:
    """A person on the social pension from ``start``: (person id, entitlement id)."""
    pid = person(engine, ward_id, name, born=BORN, **extra)
    return pid, entitle(engine, pid, ("HTXH",), start)


def add_category(engine, person_id: int, code: str) -> None:
    with write_session(engine) as session:
        category = session.execute(select(Category.id).where(Category.code == code)).scalar_one()
        session.add(BeneficiaryCategory(beneficiary_id=person_id, category_id=category))


def lists(engine, month: date, ward_id: int | None = None, scope: Scope = SYSTEM):
    with read_session(engine) as session:
        return month_lists(session, scope, month, ward_id)


def figures(engine, month: date, ward_id: int | None = None) -> dict:
    return list_figures(lists(engine, month, ward_id), month)


def send(engine, month: date, ward_id: int | None = None, scope: Scope = SYSTEM) -> list[str]:
    with write_session(engine) as session:
        return lock_month(session, scope, month, ward_id)


def names(ward_list, section: BhytSection) -> list[str]:
    return [line.name for line in ward_list.section(section)]


def test_premium_follows_each_months_base_salary(engine):
    """06/2026 at 2.340.000 đ → 105.300 đ; 07/2026 at 2.530.000 đ → 113.850 đ; 06/2024 at 1.800.000 đ
    → 81.000 đ; 06+07/2026 together → 219.150 đ."""
    with read_session(engine) as session:
        salaries = load_base_salaries(session)
    assert salaries.premium_in(M(6, 2024)) == 81_000
    assert salaries.premium_in(M(6, 2026)) == 105_300
    assert salaries.premium_in(M(7, 2026)) == 113_850
    assert salaries.premium_over([M(6, 2026), M(7, 2026)]) == 219_150
    with pytest.raises(Invalid, match="lương cơ sở"):
        salaries.premium_in(M(6, 2023))


def test_a_grant_is_an_increase_and_a_late_grant_pays_its_earlier_months(engine, wards):
    """An: social pension from 03/2026 → 03/2026 list: I. Tăng An from 03/2026, 1 covered, 105.300 đ.
    03 sent. Bình granted afterwards from 02/2026: the months up to 03/2026 were sent without her, so
    04/2026 lists I. Tăng Bình from 04/2026 (105.300 đ); An stays covered → 2 covered, 210.600 đ.
    A month nobody sent is paid late: 05/2026 not sent, Chi granted from 05/2026 and first listed in
    06/2026 → from 05/2026, 2 × 105.300 = 210.600 đ; 06/2026: 3 covered, 421.200 đ."""
    a = wards["A"]
    pensioner(engine, a, "Nguyễn Văn An", M(3, 2026))
    march = figures(engine, M(3, 2026), a)
    assert (march["increases"], march["covered"], march["premium"], march["status"]) == (
        1,
        1,
        105_300,
        "open",
    )
    assert send(engine, M(3, 2026), a) == ["A"]
    pensioner(engine, a, "Trần Thị Bình", M(2, 2026))
    (april,) = lists(engine, M(4, 2026), a)
    (bình,) = april.section(BhytSection.INCREASE)
    assert (bình.name, bình.card_type, bình.from_month, bình.premium) == (
        "Trần Thị Bình",
        "BT",
        M(4, 2026),
        105_300,
    )
    assert (april.covered, april.premium) == (2, 210_600)
    assert names(april, BhytSection.DECREASE) == names(april, BhytSection.ADJUSTMENT) == []
    send(engine, M(4, 2026), a)
    pensioner(engine, a, "Ngô Thị Chi", M(5, 2026))
    (june,) = lists(engine, M(6, 2026), a)
    (chi,) = june.section(BhytSection.INCREASE)
    assert (chi.from_month, chi.premium) == (M(5, 2026), 210_600)
    assert (june.covered, june.premium) == (3, 421_200)


def test_a_death_ends_the_card_after_its_month(engine, wards):
    """Cường: pension from 05/2026, dies 10/06/2026. 06/2026 still covers him (the month of death):
    no Giảm; 06 sent. 07/2026: II. Giảm Cường, Đến tháng 06/2026, nothing to give back (June was due);
    0 covered, 0 đ."""
    a = wards["A"]
    _, eid = pensioner(engine, a, "Lê Văn Cường", M(5, 2026))
    send(engine, M(5, 2026), a)
    with write_session(engine) as session:
        stop(session, SYSTEM, eid, on=date(2026, 6, 10), reason=StopReason.DIED)
    (june,) = lists(engine, M(6, 2026), a)
    assert (june.covered, names(june, BhytSection.DECREASE), june.premium) == (1, [], 105_300)
    send(engine, M(6, 2026), a)
    (july,) = lists(engine, M(7, 2026), a)
    (line,) = july.section(BhytSection.DECREASE)
    assert (line.name, line.to_month, line.premium) == ("Lê Văn Cường", M(6, 2026), 0)
    assert line.note == "Chết ngày 10/06/2026"
    assert (july.covered, july.premium) == (0, 0)


def test_a_move_between_wards_is_a_decrease_in_one_and_an_increase_in_the_other(engine, wards):
    """Dung: pension in ward A from 01/2026; 03/2026 sent for both wards. She moves to ward B on
    15/03/2026 (A stops her), B grants her from 04/2026. 04/2026: A II. Giảm Dung to 03/2026 (0 đ);
    B I. Tăng Dung from 04/2026 (105.300 đ). Office: 1 increase, 1 decrease, 1 covered, 105.300 đ."""
    a, b = wards["A"], wards["B"]
    _, eid = pensioner(engine, a, "Phạm Thị Dung", M(1, 2026), national_id="022140001234")
    assert send(engine, M(3, 2026)) == ["A", "B"]
    with write_session(engine) as session:
        stop(session, SYSTEM, eid, on=date(2026, 3, 15), reason=StopReason.MOVED)
    pensioner(engine, b, "Phạm Thị Dung", M(4, 2026), national_id="022140001234")
    office = figures(engine, M(4, 2026))
    assert {k: office[k] for k in ("increases", "decreases", "covered", "premium")} == {
        "increases": 1,
        "decreases": 1,
        "covered": 1,
        "premium": 105_300,
    }
    assert office["by_ward"] == [
        {"ward": "A", "increases": 0, "decreases": 1, "adjustments": 0, "covered": 0, "premium": 0},
        {"ward": "B", "increases": 1, "decreases": 0, "adjustments": 0, "covered": 1, "premium": 105_300},
    ]
    ward_a, ward_b = lists(engine, M(4, 2026))
    (gone,) = ward_a.section(BhytSection.DECREASE)
    assert (gone.to_month, gone.note) == (M(3, 2026), "Chuyển đi nơi khác")
    assert ward_b.section(BhytSection.INCREASE)[0].from_month == M(4, 2026)
    ward_staff = Scope(user_id=None, username="b", role=Role.WARD, ward_ids=frozenset({b}))
    assert [w.ward_code for w in lists(engine, M(4, 2026), scope=ward_staff)] == ["B"]


def test_one_card_per_person_the_highest_benefit(engine, wards):
    """Em: poor household (HN, level 2) and from 05/2026 the social pension (BT, level 2, listed
    first by the law): 04/2026 I. Tăng Em as HN; 04 sent; 05/2026 no new line for her, III. Điều chỉnh
    "Mã đối tượng: HN → BT", still one covered person (105.300 đ). Giang: near-poor (CN, level 3) and
    poor (HN, level 2) → HN."""
    a = wards["A"]
    em = person(engine, a, "Đỗ Thị Em", born=BORN)
    add_category(engine, em, "HN")
    giang = person(engine, a, "Vũ Văn Giang", born=date(1980, 1, 2))
    add_category(engine, giang, "HCN")
    add_category(engine, giang, "HN")
    assert best_card(["CN", "HN", "BT"]) == "BT" and best_card(["CN"]) == "CN"
    (april,) = lists(engine, M(4, 2026), a)
    assert sorted((line.name, line.card_type) for line in april.section(BhytSection.INCREASE)) == [
        ("Vũ Văn Giang", "HN"),
        ("Đỗ Thị Em", "HN"),
    ]
    send(engine, M(4, 2026), a)
    entitle(engine, em, ("HTXH",), M(5, 2026))
    (may,) = lists(engine, M(5, 2026), a)
    assert names(may, BhytSection.INCREASE) == []
    (change,) = may.section(BhytSection.ADJUSTMENT)
    assert (change.name, change.card_type, change.note) == ("Đỗ Thị Em", "BT", "Mã đối tượng: HN → BT")
    assert (may.covered, may.premium) == (2, 210_600)


def test_base_salary_change_in_july(engine, wards):
    """Khải: pension from 06/2026, listed in 06/2026 at 105.300 đ; 06 sent; 07/2026 at 113.850 đ. Hà:
    pension from 06/2026 granted after June was sent: I. Tăng from 07/2026 (the month after the last
    sent list), 113.850 đ → 07/2026: 2 covered, 227.700 đ."""
    a = wards["A"]
    pensioner(engine, a, "Hoàng Văn Khải", M(6, 2026))
    assert figures(engine, M(6, 2026), a)["premium"] == 105_300
    send(engine, M(6, 2026), a)
    assert figures(engine, M(7, 2026), a)["premium"] == 113_850
    pensioner(engine, a, "Lý Thị Hà", M(6, 2026))
    (july,) = lists(engine, M(7, 2026), a)
    (ha,) = july.section(BhytSection.INCREASE)
    assert (ha.from_month, ha.premium) == (M(7, 2026), 113_850)
    assert (july.covered, july.premium) == (2, 227_700)


def test_a_late_grant_spanning_july_pays_each_month_at_its_own_salary(engine, wards):
    """05/2026 sent (nobody). Lâm granted from 06/2026 and first listed in 07/2026: 06/2026 at
    105.300 đ + 07/2026 at 113.850 đ = 219.150 đ."""
    a = wards["A"]
    send(engine, M(5, 2026), a)
    pensioner(engine, a, "Mai Văn Lâm", M(6, 2026))
    (july,) = lists(engine, M(7, 2026), a)
    (lam,) = july.section(BhytSection.INCREASE)
    assert (lam.from_month, lam.premium) == (M(6, 2026), 219_150)


def test_a_sent_month_is_locked_and_corrections_go_into_the_next_month(engine, wards):
    """06/2026 sent with Minh (born 01/01/1945, clinic Trạm Y tế A) and Nga, both on the pension from
    05/2026 (05 sent too). Then: Minh's birth date is corrected to 02/01/1945 and his clinic to Bệnh
    viện X; Nga's death on 15/05/2026 is recorded only now. 06/2026 reads as sent (Minh born 01/01/1945,
    Nga covered, 2 × 105.300 = 210.600 đ). 07/2026: III. Điều chỉnh Minh ("Ngày sinh: 01/01/1945 →
    02/01/1945; Nơi KCB ban đầu: Trạm Y tế A → Bệnh viện X"); II. Giảm Nga to 05/2026, June given back:
    −105.300 đ; 1 covered (113.850 đ) → 113.850 − 105.300 = 8.550 đ."""
    a = wards["A"]
    minh, _ = pensioner(engine, a, "Phan Văn Minh", M(5, 2026), clinic="Trạm Y tế A")
    with write_session(engine) as session:
        session.execute(update(Beneficiary).where(Beneficiary.id == minh).values(birth_date=date(1945, 1, 1)))
    nga, _ = pensioner(engine, a, "Trịnh Thị Nga", M(5, 2026))
    send(engine, M(5, 2026), a)
    send(engine, M(6, 2026), a)
    with pytest.raises(Invalid, match="đã gửi và khóa"):
        send(engine, M(6, 2026), a)
    with pytest.raises(Invalid, match="tháng sau 04/2026"):
        send(engine, M(4, 2026), a)
    with write_session(engine) as session:
        session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == minh)
            .values(birth_date=date(1945, 1, 2), clinic="Bệnh viện X")
        )
        session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == nga)
            .values(status=PersonStatus.DIED, status_date=date(2026, 5, 15), status_reason="Chết")
        )
    (june,) = lists(engine, M(6, 2026), a)
    assert june.locked and (june.covered, june.premium) == (2, 210_600)
    assert {
        line.birth_date for line in june.section(BhytSection.COVERED) if line.name == "Phan Văn Minh"
    } == {date(1945, 1, 1)}
    (july,) = lists(engine, M(7, 2026), a)
    (change,) = july.section(BhytSection.ADJUSTMENT)
    assert change.note == "Ngày sinh: 01/01/1945 → 02/01/1945; Nơi KCB ban đầu: Trạm Y tế A → Bệnh viện X"
    (gone,) = july.section(BhytSection.DECREASE)
    assert (gone.name, gone.to_month, gone.premium, gone.note) == (
        "Trịnh Thị Nga",
        M(5, 2026),
        -105_300,
        "Chết ngày 15/05/2026",
    )
    assert (july.covered, july.premium) == (1, 8_550)


def test_the_database_refuses_every_change_to_a_sent_list(engine, wards):
    a = wards["A"]
    pensioner(engine, a, "Quách Văn Phú", M(5, 2026))
    send(engine, M(5, 2026), a)
    for statement in (
        "UPDATE bhytline SET premium = 1",
        "DELETE FROM bhytline",
        "UPDATE bhytlist SET status = 'open'",
    ):
        with pytest.raises(Locked, match="đã gửi cơ quan BHXH"):
            with write_session(engine) as session:
                session.execute(text(statement))
    # PostgreSQL checks the lines' foreign key before the lock's statement trigger: refused either way
    with pytest.raises((Locked, Conflict)):
        with write_session(engine) as session:
            session.execute(text("DELETE FROM bhytlist"))
    with pytest.raises(Locked):
        with write_session(engine) as session:
            line = session.execute(select(BhytLine)).scalars().first()
            session.execute(
                BhytLine.__table__.insert(),
                [
                    {
                        "list_id": line.list_id,
                        "beneficiary_id": line.beneficiary_id,
                        "ward_id": a,
                        "section": "covered",
                        "card_type": "BT",
                        "premium": 0,
                        "name": "X",
                    }
                ],
            )


def test_viewer_and_other_wards_cannot_send(engine, wards):
    viewer = Scope(user_id=None, username="v", role=Role.VIEWER, ward_ids=None)
    with pytest.raises(Forbidden):
        send(engine, M(5, 2026), scope=viewer)
    ward_staff = Scope(user_id=None, username="b", role=Role.WARD, ward_ids=frozenset({wards["B"]}))
    with pytest.raises(Exception, match="phường/xã"):
        send(engine, M(5, 2026), wards["A"], scope=ward_staff)
    assert send(engine, M(5, 2026), scope=ward_staff) == ["B"]


def test_coverage_ends_with_the_registry(engine, wards):
    """A person moved away on 20/04/2026 without a stopped entitlement: covered in 04, not in 05."""
    a = wards["A"]
    pid, _ = pensioner(engine, a, "Tạ Văn Quang", M(1, 2026))
    with write_session(engine) as session:
        session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == pid)
            .values(status=PersonStatus.MOVED, status_date=date(2026, 4, 20), status_reason="Chuyển đi")
        )
    with read_session(engine) as session:
        assert list(coverage(session, SYSTEM, M(4, 2026))[0]) == [pid]
        covered, ended = coverage(session, SYSTEM, M(5, 2026))
    assert covered == {} and ended[pid].last_month == M(4, 2026)


def test_cli_exact_words_list_json_xlsx_and_lock(engine, wards, capsys, tmp_path):
    """Ward A: Ông An (pension from 05/2026, card BT2220123456789, Trạm Y tế A) and Bà Bình (near-poor:
    CN); ward B: nobody. 05/2026: 2 increases, 2 covered, 2 × 105.300 = 210.600 đ. Sent; 06/2026: no
    change, status open; 05/2026 status locked."""
    from openpyxl import load_workbook

    from tests.data_layer.cli.test_cli import run

    db = ("--db", engine.url.render_as_string(hide_password=False))
    a = wards["A"]
    pensioner(
        engine,
        a,
        "Nguyễn Văn An",
        M(5, 2026),
        national_id="022040001234",
        social_insurance_no="0123456789",
        health_card_no="BT2220123456789",
        clinic="Trạm Y tế A",
        hamlet="Thôn Đông",
        gender="M",
    )
    binh = person(engine, a, "Trần Thị Bình", year=1970, gender="F")
    add_category(engine, binh, "HCN")
    code, out, err = run(capsys, "bhyt", "list", "--month", "05/2026", "--json", *db)
    assert code == 0, err
    assert json.loads(out) == {
        "month": "05/2026",
        "status": "open",
        "increases": 2,
        "decreases": 0,
        "adjustments": 0,
        "covered": 2,
        "premium": 210_600,
        "by_ward": [
            {"ward": "A", "increases": 2, "decreases": 0, "adjustments": 0, "covered": 2, "premium": 210_600},
            {"ward": "B", "increases": 0, "decreases": 0, "adjustments": 0, "covered": 0, "premium": 0},
        ],
    }
    out_file = tmp_path / "bhyt.xlsx"
    code, out, _ = run(
        capsys, "bhyt", "list", "--month", "05/2026", "--ward", "A", "--out", str(out_file), *db
    )
    assert code == 0 and "210.600 đ" in out
    book = load_workbook(out_file)
    rows = [[c for c in row if c is not None] for row in book["Danh sách"].iter_rows(values_only=True)]
    assert ["I. TĂNG: 2 người"] in rows and ["II. GIẢM: 0 người"] in rows
    assert [
        1,
        "Nguyễn Văn An",
        "0123456789",
        "022040001234",
        "01/05/1940",
        "Nam",
        "Thôn Đông, Phường A",
        "BT",
        "Trạm Y tế A",
        "05/2026",
        105_300,
    ] in rows
    assert [2, "Trần Thị Bình", "1970", "Nữ", "Phường A", "CN", "05/2026", 105_300] in rows
    assert ["Số người có thẻ trong tháng: 2", 210_600] in rows
    code, out, _ = run(capsys, "bhyt", "lock", "--month", "05/2026", *db)
    assert code == 0 and "A, B" in out
    code, out, _ = run(capsys, "bhyt", "lock", "--month", "05/2026", *db)
    assert code == 0 and "đã khóa từ trước" in out
    assert (
        json.loads(run(capsys, "bhyt", "list", "--month", "05/2026", "--json", *db)[1])["status"] == "locked"
    )
    june = json.loads(run(capsys, "bhyt", "list", "--month", "06/2026", "--json", *db)[1])
    assert (june["status"], june["increases"], june["covered"]) == ("open", 0, 2)
    code, _, err = run(capsys, "bhyt", "list", "--month", "13/2026", "--json", *db)
    assert code == 1 and "--month" in err


def test_yearly_estimate_uses_each_months_base_salary(engine, wards):
    """Today 15/03/2026: Oanh (pension from 01/2026) and Phúc (poor household) are covered; Quý died on
    02/03/2026 (covered through 03/2026). 2026: Oanh and Phúc 6 × 105.300 + 6 × 113.850 = 1.314.900 đ
    each; Quý 3 × 105.300 = 315.900 đ → 2.945.700 đ. 2027: 2 × 12 × 113.850 = 2.732.400 đ."""
    from data_layer.bhyt.estimate import estimate_premiums

    a = wards["A"]
    pensioner(engine, a, "Lê Thị Oanh", M(1, 2026))
    phuc = person(engine, a, "Hồ Văn Phúc", year=1975)
    add_category(engine, phuc, "HN")
    _, eid = pensioner(engine, a, "Đào Văn Quý", M(1, 2026))
    with write_session(engine) as session:
        stop(session, SYSTEM, eid, on=date(2026, 3, 2), reason=StopReason.DIED)
    with read_session(engine) as session:
        this_year = estimate_premiums(session, SYSTEM, 2026, today=date(2026, 3, 15))
        next_year = estimate_premiums(session, SYSTEM, 2027, today=date(2026, 3, 15))
    assert (this_year.people, this_year.amount) == (3, 2_945_700)
    assert this_year.by_month[2] == (M(3, 2026), 3, 315_900) and this_year.by_month[6] == (
        M(7, 2026),
        2,
        227_700,
    )
    assert [(code, people, money) for code, _, people, money in this_year.by_card] == [
        ("BT", 2, 1_630_800),
        ("HN", 1, 1_314_900),
    ]
    assert next_year.amount == 2_732_400


def test_an_admin_changes_the_base_salary_and_sent_lists_keep_theirs(engine, wards):
    """Sáu: pension from 06/2026; 06/2026 sent at 105.300 đ. The admin records 2.600.000 đ from
    06/2026 (a what-if): 07/2026 keeps 2.530.000 đ (its own, later row) → 113.850 đ; the sent June keeps
    105.300 đ; an open June would now be 117.000 đ (4,5% of 2.600.000). Audited; a viewer is refused."""
    from data_layer.bhyt.reference import set_base_salary
    from data_layer.core.models import AuditEvent

    a = wards["A"]
    pensioner(engine, a, "Lò Văn Sáu", M(6, 2026))
    send(engine, M(6, 2026), a)
    viewer = Scope(user_id=None, username="v", role=Role.VIEWER, ward_ids=None)
    with pytest.raises(Forbidden), write_session(engine) as session:
        set_base_salary(session, viewer, M(6, 2026), 2_600_000)
    with pytest.raises(Invalid, match="lớn hơn 0"), write_session(engine) as session:
        set_base_salary(session, SYSTEM, M(6, 2026), 0)
    with write_session(engine) as session:
        set_base_salary(session, SYSTEM, M(6, 2026), 2_600_000)
    assert figures(engine, M(6, 2026), a)["premium"] == 105_300
    assert figures(engine, M(6, 2026), wards["B"])["premium"] == 0
    assert figures(engine, M(7, 2026), a)["premium"] == 113_850
    with read_session(engine) as session:
        assert load_base_salaries(session).premium_in(M(6, 2026)) == 117_000
        event = session.execute(select(AuditEvent).where(AuditEvent.table_name == "basesalary")).scalar_one()
    assert (event.action, event.old, event.new) == ("insert", None, "2600000")


def test_a_sent_list_is_sealed_and_a_change_behind_the_triggers_is_named(engine, wards, capsys):
    from data_layer.cli import main
    from tests.data_layer.core.test_seals import _behind_the_triggers

    def verify() -> tuple[int, dict]:
        code = main(["db", "verify", "--db", engine.url.render_as_string(hide_password=False), "--json"])
        return code, json.loads(capsys.readouterr().out)

    pensioner(engine, wards["A"], "Mạc Văn Tú", M(5, 2026))
    send(engine, M(5, 2026))
    code, found = verify()
    assert (code, found["ok"], found["links"]) == (0, True, 2)  # one list per ward
    _behind_the_triggers(engine, "bhytline", "UPDATE bhytline SET premium = 1")
    code, found = verify()
    assert code == 1 and found["kind"] == "bhytlist"
    assert (
        "danh sách thẻ BHYT đã gửi" in found["problem"] and "đã bị sửa sau khi niêm phong" in found["problem"]
    )


def test_a_corrected_birth_date_is_one_change_even_when_its_year_changes():
    """01/01/1945 → 01/01/1946 is said once ("Ngày sinh"), not again as "Năm sinh"."""
    from data_layer.bhyt.lists import ListLine, _changes

    before = ListLine(
        "covered", 1, 1, "BT", None, None, 0, "An", date(1945, 1, 1), 1945, "M", None, None, None, None
    )
    now = ListLine(
        "covered", 1, 1, "BT", None, None, 0, "An", date(1946, 1, 1), 1946, "M", None, None, None, None
    )
    assert _changes(before, now) == ["Ngày sinh: 01/01/1945 → 01/01/1946"]
    year_only = ListLine("covered", 1, 1, "BT", None, None, 0, "An", None, 1947, "M", None, None, None, None)
    assert _changes(before, year_only) == ["Ngày sinh: 01/01/1945 → (trống)", "Năm sinh: 1945 → 1947"]


def test_coverage_reads_a_citys_worth_of_people_in_one_parameter(engine, wards):
    """70.000 ids (more than PostgreSQL's 65.535 parameters of a statement) are asked for in one parameter."""
    from data_layer.bhyt.coverage import _category_cards, _entitlement_terms

    pid, _ = pensioner(engine, wards["A"], "Kha Văn Tài", M(5, 2026))
    add_category(engine, pid, "HN")
    ids = [pid, *range(10_000_000, 10_070_000)]
    with read_session(engine) as session:
        assert _entitlement_terms(session, ids) == {pid: [(M(5, 2026), None)]}
        assert _category_cards(session, ids) == {pid: {"HN"}}
