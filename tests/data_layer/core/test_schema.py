"""Schema: the migrations build exactly the models; upgrading an existing database keeps its data."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from data_layer.admin.seeding import seed_reference_data
from data_layer.core import references, tallies
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.models import Beneficiary, Category, FundingSource, Ward, WardTally
from data_layer.core.schema import alembic_config, upgrade_schema
from data_layer.registry.catalog import STANDARD_SOURCES
from data_layer.registry.wards import add_ward
from tests.conftest import expected_triggers, installed_triggers
from tests.data_layer.allowance_helpers import M, build, entitle, person


def test_migrations_match_the_models(engine):
    """The same tables, columns, indexes and foreign keys, but for the foreign keys PostgreSQL checks
    with statement triggers (``core.references``; test_every_trigger_is_installed_at_head finds them)."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    by_statement = references.checked_by_statement(engine.dialect.name)

    def key(fk) -> tuple:
        return (fk.table.name, tuple(c.name for c in fk.columns), fk.referred_table.name)

    assert [d for d in diff if not (d[0] == "add_fk" and key(d[1]) in by_statement)] == []
    assert {key(d[1]) for d in diff} == by_statement


def test_schema_has_the_indexes_the_queries_use(engine):
    inspector = inspect(engine)
    beneficiary = {tuple(ix["column_names"]) for ix in inspector.get_indexes("beneficiary")}
    assert ("ward_id",) in beneficiary and ("national_id",) in beneficiary
    allocation = {tuple(ix["column_names"]) for ix in inspector.get_indexes("allocation")}
    assert any(columns[:2] == ("campaign_id", "ward_id") for columns in allocation)


def test_seed_has_standard_sources_and_categories(engine):
    with write_session(engine) as session:
        codes = set(session.execute(select(FundingSource.code)).scalars())
        assert {"TW", "TINH", "HUYEN", "XA", "XHH"} <= codes
        assert session.execute(select(func.count()).select_from(Category)).scalar_one() >= 15


def test_upgrade_and_reseed_change_no_data(engine):
    with write_session(engine) as session:
        add_ward(session, Scope.system(), "X1", "Phường Một")
        tw = session.execute(select(FundingSource).where(FundingSource.code == "TW")).scalar_one()
        tw.name = "Tên do quản trị sửa"
        session.add(tw)
    upgrade_schema(engine)
    with write_session(engine) as session:
        seed_reference_data(session)
    with write_session(engine) as session:
        assert session.execute(select(Ward.name).where(Ward.code == "X1")).scalar_one() == "Phường Một"
        assert session.execute(select(FundingSource.name).where(FundingSource.code == "TW")).scalar_one() == (
            "Tên do quản trị sửa"
        )
        assert session.execute(select(func.count()).select_from(FundingSource)).scalar_one() == len(
            STANDARD_SOURCES
        )


def test_upgrading_a_filled_database_fills_the_running_totals(engine):
    """Migration 0006 on a database that already holds people: the tallies start from a recount."""
    with write_session(engine) as session:
        ward = add_ward(session, Scope.system(), "X1", "Phường Một")
        session.add(Beneficiary(ward_id=ward.id, name="An", name_key="an", birth_year=1950))
    command.downgrade(alembic_config(engine), "0005")
    assert "wardtally" not in inspect(engine).get_table_names()
    with Session(engine) as session, session.begin():  # the write path needs revision 0007's state row
        # only the columns revision 0005 had (the model has grown since)
        session.execute(
            insert(Beneficiary.__table__).values(
                ward_id=ward.id, name="Bình", name_key="binh", status="active", version=1
            )
        )
    upgrade_schema(engine)
    with write_session(engine) as session:
        tally = session.get(WardTally, ward.id)
        assert (tally.people, tally.active, tally.missing_id) == (2, 2, 2)
    with engine.connect() as conn:
        assert tallies.check(conn) == []


def test_every_trigger_is_installed_at_head(engine):
    """The running totals' 28 triggers (the paid tally's on the payroll's lock included), the data
    version's on every table but the tallies, and on PostgreSQL the payroll lines' references."""
    expected = expected_triggers(engine)
    assert len({name for name in expected if name.startswith("tally_")}) == 28
    assert {"dv_beneficiary", "dv_beneficiary_insert"} & expected
    by_statement = {"ref_payrollline_insert_rows", "ref_entitlement_delete_rows"} <= expected
    assert by_statement == (engine.dialect.name == "postgresql")
    assert installed_triggers(engine) == expected


def test_a_new_sqlite_database_file_is_private(tmp_path):
    from data_layer.core.db import get_engine

    path = tmp_path / "moi" / "ansinh.db"
    upgrade_schema(get_engine(f"sqlite:///{path}"))
    assert path.stat().st_mode & 0o777 == 0o600


def test_upgrading_refuses_payroll_lines_apart_from_their_entitlement(engine, wards):
    """Migration 0024 ties a payroll line's person and ward to its entitlement. A database whose
    lines do not match (here a line without its entitlement, written before 0024) is left as it was,
    with a Vietnamese sentence saying why; once the line is looked at, the upgrade goes through."""
    elder = person(engine, wards["A"], "Cụ Cũ", year=1950)
    entitle(engine, elder, ("5.5a",), M(1, 2025))
    build(engine, M(1, 2025))
    command.downgrade(alembic_config(engine), "0021")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO payrollline (payroll_id, beneficiary_id, ward_id, for_month, kind, amount,"
                " payment_method) SELECT payroll_id, beneficiary_id, ward_id, for_month, 'arrears', 1,"
                " payment_method FROM payrollline"
            )
        )
    with pytest.raises(RuntimeError, match="1 dòng bảng lương không khớp với quyết định hưởng"):
        command.upgrade(alembic_config(engine), "head")
    assert "paidtally" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM payrollline WHERE entitlement_id IS NULL"))
    upgrade_schema(engine)
    if engine.dialect.name == "sqlite":
        assert {"fk_payrollline_entitlement"} == {
            key["name"]
            for key in inspect(engine).get_foreign_keys("payrollline")
            if key["referred_table"] == "entitlement"
        }
    apart = "UPDATE payrollline SET ward_id = ward_id + 1"  # a line paid by a ward not its entitlement's
    refused = pytest.raises(IntegrityError, match="fk_payrollline_entitlement|FOREIGN KEY")
    with refused, engine.begin() as conn:
        conn.execute(text(apart))
