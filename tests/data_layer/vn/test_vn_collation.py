"""Vietnamese alphabetical order: the Python key and the SQL order (SQLite and PostgreSQL) agree."""

from __future__ import annotations

import random

from sqlalchemy import select

from data_layer.core.db import read_session, write_session
from data_layer.core.models import Beneficiary
from data_layer.vn.collation import hamlet_key, person_key, person_order, text_key, text_order
from data_layer.vn.text import fold

# The issue's example, in the order the cash list printed it (Đ after V, Lý before Lương).
ISSUE_NAMES = ["Lý Văn Phúc", "Lý Đức Khánh", "Lương Công Phúc", "Vi Văn Long", "Đặng Minh Bình"]


def test_names_of_one_hamlet_go_by_given_name_then_the_rest():
    ordered = sorted(ISSUE_NAMES, key=lambda name: person_key("Tổ 1", name))
    assert ordered == ["Đặng Minh Bình", "Lý Đức Khánh", "Vi Văn Long", "Lương Công Phúc", "Lý Văn Phúc"]


def test_letters_follow_the_vietnamese_alphabet():
    words = ["Đức", "Dung", "Ân", "Anh", "Ăn", "Ơn", "Ông", "Oanh", "Ưng", "Uyên", "Bình", "Yến", "Ê", "En"]
    assert sorted(words, key=text_key) == [
        "Anh", "Ăn", "Ân", "Bình", "Dung", "Đức", "En", "Ê", "Oanh", "Ông", "Ơn", "Uyên", "Ưng", "Yến",
    ]  # fmt: skip


def test_tone_marks_come_after_the_base_letter_and_only_break_ties():
    words = ["Hai", "Hạ", "Há", "Hã", "Hả", "Hà", "Ha", "Hác"]
    assert sorted(words, key=text_key) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ", "Hác", "Hai"]
    assert sorted(["hà", "Hà", "HÀ"], key=text_key) == ["hà", "Hà", "HÀ"]  # case does not matter


def test_hamlets_before_names_numbers_as_numbers_and_no_hamlet_last():
    people = [
        (None, "An Văn Á"),
        ("Tổ 10", "Bùi Thị An"),
        ("Tổ 2", "Vi Văn Xuân"),
        ("Thôn Đông", "Lê An"),
    ]
    assert sorted(people, key=lambda p: person_key(*p)) == [
        ("Thôn Đông", "Lê An"), ("Tổ 2", "Vi Văn Xuân"), ("Tổ 10", "Bùi Thị An"), (None, "An Văn Á"),
    ]  # fmt: skip
    assert sorted(["Tổ 10", "tổ 9", "Tổ 1"], key=hamlet_key) == ["Tổ 1", "tổ 9", "Tổ 10"]


def _random_people(count: int) -> list[tuple[str | None, str]]:
    pick = random.Random(20).choice
    family = ["Lý", "Lương", "Đặng", "Dương", "Vi", "Ưng", "Âu", "Ông", "Hà", "Hạ", "Nguyễn"]
    middle = ["Văn", "Thị", "Đức", "Công", "Minh", ""]
    given = ["Phúc", "Khánh", "Long", "Bình", "Ân", "An", "Ánh", "Ơn", "Đào", "Dao", "Hạ", "Hà"]
    hamlets = [None, "Tổ 1", "Tổ 2", "Tổ 10", "Thôn Hà", "Thôn Hạ", "Bản Đôn"]
    return [
        (pick(hamlets), " ".join(w for w in (pick(family), pick(middle), pick(given)) if w))
        for _ in range(count)
    ]


def test_sql_order_is_the_python_order_on_both_databases(engine, wards):
    people = _random_people(300)
    with write_session(engine) as session:
        for hamlet, name in people:
            session.add(Beneficiary(ward_id=wards["A"], hamlet=hamlet, name=name, name_key=fold(name)))
    with read_session(engine) as session:
        in_sql = session.execute(
            select(Beneficiary.hamlet, Beneficiary.name).order_by(
                *person_order(Beneficiary.hamlet, Beneficiary.name), Beneficiary.id
            )
        ).all()
        names = session.execute(select(Beneficiary.name).order_by(*text_order(Beneficiary.name))).scalars()
        by_name = list(names)
    expected = sorted(people, key=lambda p: person_key(*p))
    assert [person_key(*p) for p in in_sql] == [person_key(*p) for p in expected]
    assert [text_key(n) for n in by_name] == sorted(text_key(n) for n in by_name)


def test_the_registry_lists_people_in_vietnamese_order(engine, wards, admin_scope):
    from tests.conftest import people_of

    with write_session(engine) as session:
        listed = [("Tổ 1", name) for name in ISSUE_NAMES] + [("Tổ 10", "An Văn Ánh"), ("Tổ 2", "Vũ Thị Yến")]
        for hamlet, name in listed:
            session.add(Beneficiary(ward_id=wards["A"], hamlet=hamlet, name=name, name_key=fold(name)))
    with read_session(engine) as session:
        listed = [p.name for p in people_of(session, admin_scope, wards["A"])]
    assert listed == [
        *["Đặng Minh Bình", "Lý Đức Khánh", "Vi Văn Long", "Lương Công Phúc", "Lý Văn Phúc"],
        *["Vũ Thị Yến", "An Văn Ánh"],
    ]


def test_the_export_reads_the_registry_in_the_page_order(engine, wards, admin_scope):
    """The export sorts in Python (``iter_people_columns``), the page in SQL: the same people in the
    same order, ties (same hamlet and name) by id, chunk after chunk."""
    from data_layer.registry.queries import Filters, iter_people_columns, people_page

    people = _random_people(300)
    with write_session(engine) as session:
        for n, (hamlet, name) in enumerate(people):
            ward = wards["A" if n % 3 else "B"]
            session.add(Beneficiary(ward_id=ward, hamlet=hamlet, name=name, name_key=fold(name)))
    with read_session(engine) as session:
        page = [p.id for p in people_page(session, admin_scope, Filters(), page_size=1000)]
        chunks = list(iter_people_columns(session, admin_scope, Filters(), chunk=7))
    assert len(page) == 300 and [i for chunk in chunks for i in chunk["id"]] == page
    assert {len(chunk["id"]) for chunk in chunks[:-1]} == {7}
