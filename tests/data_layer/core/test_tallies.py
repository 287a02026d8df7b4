"""Trigger-kept running totals: every kind of write keeps them equal to a recount, on both databases.

(The ``engine`` fixture also checks them after every data-layer test.)
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from data_layer.core import tallies
from data_layer.core.access import Scope
from data_layer.core.db import bulk_insert, get_engine, write_session
from data_layer.core.errors import Conflict
from data_layer.core.models import (
    Allocation,
    AllocationTally,
    Beneficiary,
    BeneficiaryCategory,
    Campaign,
    Category,
    CategoryTally,
    DeadGiftTally,
    DeliveryDayTally,
    FundingSource,
    HamletTally,
    Package,
    SharedNameYear,
    SharedWardTally,
    WardTally,
    utcnow,
)
from data_layer.registry.wards import add_ward
from data_layer.reports.progress import registry_quality
from tests.conftest import copy_sqlite, expected_triggers, installed_triggers

SYSTEM = Scope.system()


# national IDs 020050…; the count runs on across a worker's tests, so IDs a test types use another prefix
SERIAL = itertools.count(1)


def person(ward_id: int, name: str, **values) -> dict:
    """A person row; each gets a national ID of their own (one per person in a ward)."""
    now = utcnow()
    row = {
        "ward_id": ward_id,
        "name": name,
        "name_key": name.lower(),
        "birth_year": 1950,
        "national_id": f"020050{next(SERIAL):06d}",
        "hamlet": "Thôn 1",
        "bank_account": None,
        "status": "active",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return row | values


def add_people(engine, rows: list[dict]) -> list[int]:
    with write_session(engine) as session:
        bulk_insert(session, Beneficiary.__table__, rows)
        names = [r["name"] for r in rows]
        found = dict(
            session.execute(select(Beneficiary.name, Beneficiary.id).where(Beneficiary.name.in_(names))).all()
        )
    return [found[n] for n in names]


def sql(engine, statement: str, **params) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def ward_tallies(engine) -> dict[int, tuple]:
    with write_session(engine) as session:
        return {
            t.ward_id: (t.people, t.active, t.cashless, t.missing_id, t.invalid_id, t.no_hamlet)
            for t in session.execute(select(WardTally)).scalars()
        }


def assert_consistent(engine) -> None:
    with engine.connect() as conn:
        assert tallies.check(conn) == []


def test_ward_tally_follows_inserts_edits_moves_and_deletes(engine, wards):
    a, b = wards["A"], wards["B"]
    ids = add_people(
        engine,
        [
            person(a, "An", bank_account="123"),
            person(a, "Bình", national_id=None, hamlet=None),
            person(a, "Chi", national_id="12345"),
            person(b, "Dũng", status="died"),
        ],
    )
    #                   people active cashless missing invalid no_hamlet
    assert ward_tallies(engine) == {a: (3, 3, 1, 1, 1, 1), b: (1, 0, 0, 0, 0, 0)}

    sql(
        engine,
        "UPDATE beneficiary SET national_id = '020051000009', hamlet = 'Thôn 2' WHERE id = :i",
        i=ids[1],
    )
    sql(engine, "UPDATE beneficiary SET note = 'chỉ ghi chú' WHERE id = :i", i=ids[0])
    assert ward_tallies(engine) == {a: (3, 3, 1, 0, 1, 0), b: (1, 0, 0, 0, 0, 0)}

    sql(engine, "UPDATE beneficiary SET ward_id = :b WHERE id = :i", b=b, i=ids[0])  # moves with the account
    assert ward_tallies(engine) == {a: (2, 2, 0, 0, 1, 0), b: (2, 1, 1, 0, 0, 0)}

    sql(engine, "UPDATE beneficiary SET status = 'died' WHERE ward_id = :a", a=a)
    sql(engine, "DELETE FROM beneficiary WHERE id = :i", i=ids[3])
    assert ward_tallies(engine) == {a: (2, 0, 0, 0, 1, 0), b: (1, 1, 1, 0, 0, 0)}

    sql(engine, "DELETE FROM beneficiary")
    assert ward_tallies(engine) == {}
    assert_consistent(engine)


def test_category_tally_counts_active_people_and_survives_deleting_a_person_with_links(engine, wards):
    a, b = wards["A"], wards["B"]
    ids = add_people(engine, [person(a, "An"), person(a, "Bình"), person(b, "Chi")])
    with write_session(engine) as session:
        codes = dict(session.execute(select(Category.code, Category.id)).all())
        links = [(ids[0], "HN"), (ids[0], "NCC_TB"), (ids[1], "HN"), (ids[2], "HN")]
        bulk_insert(
            session,
            BeneficiaryCategory.__table__,
            [{"beneficiary_id": p, "category_id": codes[c]} for p, c in links],
        )

    def counts():
        with write_session(engine) as session:
            names = {v: k for k, v in codes.items()}
            return {
                (t.ward_id, names[t.category_id]): t.people
                for t in session.execute(select(CategoryTally)).scalars()
            }

    assert counts() == {(a, "HN"): 2, (a, "NCC_TB"): 1, (b, "HN"): 1}
    sql(engine, "UPDATE beneficiary SET status = 'moved' WHERE id = :i", i=ids[1])
    sql(engine, "UPDATE beneficiary SET ward_id = :b WHERE id = :i", b=b, i=ids[0])
    assert counts() == {(b, "HN"): 2, (b, "NCC_TB"): 1}
    # a plain DELETE of a person who still has category links (the links go first, then the person)
    sql(engine, "DELETE FROM beneficiary WHERE id = :i", i=ids[0])
    assert counts() == {(b, "HN"): 1}
    sql(engine, "DELETE FROM beneficiarycategory WHERE beneficiary_id = :i", i=ids[1])  # inactive: no change
    sql(engine, "UPDATE beneficiary SET status = 'active' WHERE id = :i", i=ids[1])
    assert counts() == {(b, "HN"): 1}
    assert_consistent(engine)


@pytest.fixture
def campaign(engine, wards):
    """A campaign with two packages (TW 300,000 đ and TINH 500,000 đ) and three people in ward A."""
    ids = add_people(
        engine, [person(wards["A"], n) for n in ("An", "Bình", "Chi")] + [person(wards["B"], "Dũng")]
    )
    with write_session(engine) as session:
        season = Campaign(name="Tết", year=2026)
        session.add(season)
        session.flush()
        sources = dict(session.execute(select(FundingSource.code, FundingSource.id)).all())
        packages = []
        for code, amount in (("TW", 300_000), ("TINH", 500_000)):
            package = Package(campaign_id=season.id, source_id=sources[code], label=code, amount=amount)
            session.add(package)
            session.flush()
            packages.append(package.id)
    return {"id": season.id, "packages": packages, "people": ids}


def allocation(campaign: dict, package: int, person_id: int, ward_id: int, amount: int, **values) -> dict:
    now = utcnow()
    row = {
        "campaign_id": campaign["id"],
        "package_id": package,
        "beneficiary_id": person_id,
        "ward_id": ward_id,
        "amount": amount,
        "status": "planned",
        "delivered_on": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    return row | values


def gift_tallies(engine) -> tuple[dict, dict]:
    """(gifts and money per ward, package, status; delivered per ward, package, day)."""
    with write_session(engine) as session:
        gifts = {
            (t.ward_id, t.package_id, t.status): (t.gifts, t.amount)
            for t in session.execute(select(AllocationTally)).scalars()
        }
        days = {
            (t.ward_id, t.package_id, t.day): (t.gifts, t.amount)
            for t in session.execute(select(DeliveryDayTally)).scalars()
        }
    return gifts, days


def test_allocation_and_day_tallies_follow_deliveries_amount_changes_and_deletes(engine, wards, campaign):
    a, b = wards["A"], wards["B"]
    tw, tinh = campaign["packages"]
    people = campaign["people"]
    gifts = [allocation(campaign, tw, p, a, 300_000) for p in people[:3]]
    gifts += [
        allocation(campaign, tinh, people[0], a, 500_000),
        allocation(campaign, tw, people[3], b, 300_000),
    ]
    with write_session(engine) as session:
        bulk_insert(session, Allocation.__table__, gifts)
    assert gift_tallies(engine) == (
        {
            (a, tw, "planned"): (3, 900_000),
            (a, tinh, "planned"): (1, 500_000),
            (b, tw, "planned"): (1, 300_000),
        },
        {},
    )
    feb2, feb3 = date(2026, 2, 2), date(2026, 2, 3)
    sql(
        engine,
        "UPDATE allocation SET status = 'delivered', delivered_on = :d"
        " WHERE ward_id = :a AND package_id = :p",
        d=feb2,
        a=a,
        p=tw,
    )
    sql(engine, "UPDATE allocation SET status = 'delivered' WHERE ward_id = :b", b=b)  # no date: no day
    sql(
        engine,
        "UPDATE allocation SET delivered_on = :d WHERE beneficiary_id = :i AND package_id = :p",
        d=feb3,
        i=people[0],
        p=tw,
    )
    sql(engine, "UPDATE allocation SET amount = 600000 WHERE package_id = :p", p=tinh)
    assert gift_tallies(engine) == (
        {
            (a, tw, "delivered"): (3, 900_000),
            (a, tinh, "planned"): (1, 600_000),
            (b, tw, "delivered"): (1, 300_000),
        },
        {(a, tw, feb2): (2, 600_000), (a, tw, feb3): (1, 300_000)},
    )
    sql(
        engine,
        "UPDATE allocation SET status = 'not_delivered', delivered_on = NULL WHERE beneficiary_id = :i",
        i=people[1],
    )
    sql(engine, "DELETE FROM allocation WHERE package_id = :p", p=tinh)
    assert gift_tallies(engine) == (
        {
            (a, tw, "delivered"): (2, 600_000),
            (a, tw, "not_delivered"): (1, 300_000),
            (b, tw, "delivered"): (1, 300_000),
        },
        {(a, tw, feb2): (1, 300_000), (a, tw, feb3): (1, 300_000)},
    )
    assert_consistent(engine)


def test_possible_duplicates_follow_name_year_and_ward_changes(engine, wards):
    a, b = wards["A"], wards["B"]
    ids = add_people(
        engine, [person(a, "Lan"), person(b, "Lan 2", name_key="lan"), person(a, "Hoa", birth_year=None)]
    )

    def shared():
        with write_session(engine) as session:
            return set(session.execute(select(SharedNameYear.name_key, SharedNameYear.birth_year)).all())

    def flagged():
        with write_session(engine) as session:
            return {q.ward_id: q.possible_duplicates for q in registry_quality(session, SYSTEM)}

    assert shared() == {("lan", 1950)}
    assert flagged() == {a: 1, b: 1}
    sql(
        engine, "UPDATE beneficiary SET ward_id = :a WHERE id = :i", a=a, i=ids[1]
    )  # same ward now: not flagged
    assert shared() == set() and flagged() == {a: 0}
    sql(engine, "UPDATE beneficiary SET ward_id = :b, birth_year = 1951 WHERE id = :i", b=b, i=ids[1])
    assert shared() == set()
    sql(engine, "UPDATE beneficiary SET birth_year = 1951, name_key = 'lan' WHERE id = :i", i=ids[0])
    assert shared() == {("lan", 1951)}
    sql(
        engine,
        "INSERT INTO beneficiary"
        " (ward_id, name, name_key, birth_year, status, version, created_at, updated_at)"
        " VALUES (:b, 'Hoa', 'hoa', NULL, 'active', 1, :t, :t)",
        b=b,
        t=utcnow(),
    )
    assert shared() == {("lan", 1951)}  # no birth year: never a possible duplicate
    sql(engine, "DELETE FROM beneficiary WHERE id = :i", i=ids[0])
    assert shared() == set()
    assert_consistent(engine)


def test_bulk_inserts_recount_only_the_names_now_in_two_wards(engine, wards):
    """A bulk insert recounts the keys of its rows found in another ward, its own rows included."""
    a, b = wards["A"], wards["B"]
    add_people(engine, [person(a, "Lan"), person(a, "Mai")])
    add_people(engine, [person(a, "Lan 2", name_key="lan"), person(a, "Cúc")])  # same ward: nothing shared
    with write_session(engine) as session:
        assert session.execute(select(SharedNameYear)).first() is None
    add_people(
        engine, [person(b, "Lan 3", name_key="lan"), person(b, "Đào"), person(a, "Đào 2", name_key="đào")]
    )
    with write_session(engine) as session:
        found = session.execute(
            select(SharedNameYear.name_key, SharedNameYear.ward_id, SharedNameYear.people)
        )
        assert sorted(found) == [("lan", a, 2), ("lan", b, 1), ("đào", a, 1), ("đào", b, 1)]
    assert_consistent(engine)


def test_check_finds_a_tampered_tally_and_rebuild_repairs_it(engine, wards):
    add_people(engine, [person(wards["A"], "An"), person(wards["B"], "An 2", name_key="an")])
    with engine.begin() as conn:
        conn.execute(text("UPDATE wardtally SET people = people + 1"))
        conn.execute(text("DELETE FROM sharednameyear"))
        assert tallies.check(conn) == ["wardtally", "sharednameyear"]
        tallies.rebuild(conn)
        assert tallies.check(conn) == []
    assert ward_tallies(engine) == {wards["A"]: (1, 1, 0, 0, 0, 0), wards["B"]: (1, 1, 0, 0, 0, 0)}


def test_a_failed_write_leaves_the_tallies_untouched(engine, wards):
    add_people(engine, [person(wards["A"], "An")])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE beneficiary SET status = 'died'"))
        conn.execute(text("INSERT INTO beneficiary (ward_id, name) VALUES (-1, NULL)"))  # fails
    assert ward_tallies(engine) == {wards["A"]: (1, 1, 0, 0, 0, 0)}


def test_a_failed_bulk_insert_keeps_the_triggers_and_the_totals(engine, wards):
    """On SQLite a bulk insert swaps the row triggers for grouped statements; a failure undoes both."""
    add_people(engine, [person(wards["A"], "An")])
    with pytest.raises(Conflict), write_session(engine) as session:
        bulk_insert(
            session, Beneficiary.__table__, [person(wards["B"], "Bình"), person(-1, "Không có phường")]
        )
    assert installed_triggers(engine) == expected_triggers(engine)
    sql(engine, "UPDATE beneficiary SET hamlet = NULL")  # a row trigger still fires
    assert ward_tallies(engine) == {wards["A"]: (1, 1, 0, 0, 0, 1)}


def test_dead_gift_tally_follows_deaths_deliveries_and_deleted_gifts(engine, wards, campaign):
    a, b = wards["A"], wards["B"]
    tw, tinh = campaign["packages"]
    an, binh, _chi, dung = campaign["people"]
    with write_session(engine) as session:
        bulk_insert(
            session,
            Allocation.__table__,
            [
                allocation(campaign, tw, an, a, 300_000),
                allocation(campaign, tinh, an, a, 500_000),
                allocation(campaign, tw, binh, a, 300_000),
                allocation(campaign, tw, dung, b, 300_000),
            ],
        )

    def dead_gifts():
        with write_session(engine) as session:
            return {t.ward_id: t.gifts for t in session.execute(select(DeadGiftTally)).scalars()}

    assert dead_gifts() == {}
    sql(engine, "UPDATE beneficiary SET status = 'died' WHERE id IN (:x, :y)", x=an, y=dung)
    assert dead_gifts() == {a: 2, b: 1}
    sql(
        engine,
        "UPDATE allocation SET status = 'delivered' WHERE beneficiary_id = :x AND package_id = :p",
        x=an,
        p=tw,
    )
    sql(engine, "DELETE FROM allocation WHERE beneficiary_id = :y", y=dung)
    assert dead_gifts() == {a: 1}
    sql(engine, "UPDATE beneficiary SET status = 'active' WHERE id = :x", x=an)
    assert dead_gifts() == {}
    assert_consistent(engine)


def test_hamlet_tally_follows_gifts_and_their_people_s_hamlet_and_ward(engine, wards, campaign):
    """Per campaign, ward, Thôn/Tổ as spelled ('' for none), package and status; a gift counts while its
    ward is its person's."""
    a, b = wards["A"], wards["B"]
    tw, tinh = campaign["packages"]
    an, binh, _chi, dung = campaign["people"]
    with write_session(engine) as session:
        gifts = [(tw, an, a, 300_000), (tinh, an, a, 500_000), (tw, binh, a, 300_000), (tw, dung, b, 300_000)]
        bulk_insert(session, Allocation.__table__, [allocation(campaign, *gift) for gift in gifts])

    def hamlets():
        with write_session(engine) as session:
            rows = session.execute(select(HamletTally)).scalars()
            return {(t.ward_id, t.hamlet, t.package_id, t.status): (t.gifts, t.amount) for t in rows}

    assert hamlets() == {
        (a, "Thôn 1", tw, "planned"): (2, 600_000),
        (a, "Thôn 1", tinh, "planned"): (1, 500_000),
        (b, "Thôn 1", tw, "planned"): (1, 300_000),
    }
    sql(engine, "UPDATE beneficiary SET hamlet = NULL WHERE id = :i", i=binh)
    sql(engine, "UPDATE beneficiary SET hamlet = 'Thôn 2' WHERE id = :i", i=dung)
    sql(
        engine,
        "UPDATE allocation SET status = 'delivered' WHERE beneficiary_id = :i AND package_id = :p",
        i=an,
        p=tw,
    )
    assert hamlets() == {
        (a, "Thôn 1", tw, "delivered"): (1, 300_000),
        (a, "Thôn 1", tinh, "planned"): (1, 500_000),
        (a, "", tw, "planned"): (1, 300_000),
        (b, "Thôn 2", tw, "planned"): (1, 300_000),
    }
    sql(engine, "UPDATE beneficiary SET ward_id = :b WHERE id = :i", b=b, i=an)  # the gifts stay in A
    sql(engine, "DELETE FROM allocation WHERE beneficiary_id = :i", i=binh)
    assert hamlets() == {(b, "Thôn 2", tw, "planned"): (1, 300_000)}
    sql(engine, "UPDATE beneficiary SET ward_id = :a WHERE id = :i", a=a, i=an)
    assert hamlets()[(a, "Thôn 1", tinh, "planned")] == (1, 500_000)
    assert_consistent(engine)


def test_shared_ward_tally_sums_the_cross_ward_names_of_each_ward(engine, wards):
    a, b = wards["A"], wards["B"]

    def per_ward():
        with write_session(engine) as session:
            return {
                t.ward_id: (t.names, t.people) for t in session.execute(select(SharedWardTally)).scalars()
            }

    ids = add_people(engine, [person(a, "Lan"), person(b, "Lan 2", name_key="lan"), person(a, "Mai")])
    assert per_ward() == {a: (1, 1), b: (1, 1)}
    add_people(engine, [person(a, "Lan 3", name_key="lan"), person(b, "Mai 2", name_key="mai")])
    assert per_ward() == {a: (2, 3), b: (2, 2)}
    sql(engine, "UPDATE beneficiary SET ward_id = :a WHERE id = :i", a=a, i=ids[1])
    assert per_ward() == {a: (1, 1), b: (1, 1)}
    sql(engine, "DELETE FROM beneficiary WHERE name_key = 'mai'")
    assert per_ward() == {}
    assert_consistent(engine)


def test_changing_a_persons_hamlet_looks_up_their_gifts_only(seeded_sqlite_template, tmp_path):
    """SQLite's row trigger for the hamlet tally finds the changed person's gifts by person, not all of
    the ward's gifts (a bug: merging a hamlet of 2.000 people read 2.000 × the ward's gifts). Counted in
    SQLite's virtual-machine steps, which do not depend on the machine's speed."""
    steps_for = {}
    for others in (20, 2000):
        url = f"sqlite:///{tmp_path / f'ward_{others}.db'}"
        copy_sqlite(seeded_sqlite_template, url)
        engine = get_engine(url)
        with write_session(engine) as session:
            ward = add_ward(session, SYSTEM, "A", "Phường A").id
        ids = add_people(engine, [person(ward, f"Người {i}") for i in range(others + 1)])
        with write_session(engine) as session:
            season = Campaign(name="Tết", year=2026)
            session.add(season)
            session.flush()
            tw = session.execute(select(FundingSource.id).where(FundingSource.code == "TW")).scalar_one()
            package = Package(campaign_id=season.id, source_id=tw, label="TW", amount=300_000)
            session.add(package)
            session.flush()
            gift = {"id": season.id}
            bulk_insert(
                session, Allocation.__table__, [allocation(gift, package.id, p, ward, 300_000) for p in ids]
            )
        with engine.begin() as conn:
            steps = [0]
            driver = conn.connection.driver_connection

            def count(steps=steps) -> int:
                steps[0] += 1
                return 0

            driver.set_progress_handler(count, 100)
            conn.execute(text("UPDATE beneficiary SET hamlet = 'Thôn 2' WHERE id = :id"), {"id": ids[0]})
            driver.set_progress_handler(None, 0)
            steps_for[others] = steps[0]
        with engine.connect() as conn:
            assert tallies.check(conn) == []
        engine.dispose()
    assert steps_for[2000] < 3 * steps_for[20], steps_for
