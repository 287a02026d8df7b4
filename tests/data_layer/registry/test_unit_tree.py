"""Wards as commune-level units of the official catalogue: local or official code, and the province
officer whose scope is every ward of the province (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import sys

import pytest

from data_layer.admin.users import add_user, scope_of
from data_layer.cli import main
from data_layer.core.access import Scope
from data_layer.core.codes import Role
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Forbidden, Invalid
from data_layer.core.models import Ward
from data_layer.registry.unit_catalog import load_catalog
from data_layer.registry.unit_table import parse_rows
from data_layer.registry.wards import add_ward, get_ward_by_code, list_wards

HEADER = [
    "Tỉnh, thành phố",
    "Tên Xã mới",
    "Mã Xã mới",
    "Tên Xã cũ",
    "Mã Xã cũ",
    "Ghi chú",
    "Quận/huyện",
    "Tỉnh cũ",
]
QN, LS = "Tỉnh Quảng Ninh (22)", "Tỉnh Lạng Sơn (20)"
TABLE = [
    HEADER,
    [
        QN,
        "Phường Uông Bí",
        "06811",
        "Phường Quang Trung",
        "06817",
        "Nhập toàn bộ",
        "Thành phố Uông Bí (196)",
        QN,
    ],
    [
        QN,
        "Phường Vàng Danh",
        "06799",
        "Phường Vàng Danh",
        "06799",
        "Nhập toàn bộ",
        "Thành phố Uông Bí (196)",
        QN,
    ],
    [
        LS,
        "Phường Lương Văn Tri",
        "05983",
        "Phường Chi Lăng",
        "05983",
        "Nhập toàn bộ",
        "Thành phố Lạng Sơn (178)",
        LS,
    ],
]


@pytest.fixture
def catalogue(engine):
    with write_session(engine) as session:
        load_catalog(session, Scope.system(), parse_rows(TABLE), source="test")
    return engine


def test_ward_add_takes_official_code_and_province_from_the_catalogue(catalogue):
    system = Scope.system()
    with write_session(catalogue) as session:
        uong_bi = add_ward(session, system, "06811", "Phường Uông Bí")
        local = add_ward(session, system, "DK", "Phường Đông Kinh")
        unknown = add_ward(session, system, "99999", "Xã Thử")
        assert (uong_bi.official_code, uong_bi.province_code) == ("06811", "22")
        assert (local.official_code, local.province_code) == (None, None)
        assert unknown.official_code is None  # five digits that are no commune of today: a local code
        assert add_ward(session, system, "06811", "Tên khác").id == uong_bi.id  # idempotent


def test_ward_code_is_the_local_or_the_official_one(catalogue):
    system = Scope.system()
    with write_session(catalogue) as session:
        ward = add_ward(session, system, "UB", "Phường Uông Bí")
        ward.official_code, ward.province_code = "06811", "22"
        session.add(ward)
        other = add_ward(session, system, "06799", "Phường Vàng Danh")
        # a ward whose local code is another ward's official code (typed before the catalogue came)
        lvt = add_ward(session, system, "LVT", "Phường Lương Văn Tri")
        lvt.official_code = "05983"
        session.add(Ward(code="05983", name="Phường Chi Lăng (cũ)"))
    with read_session(catalogue) as session:
        assert get_ward_by_code(session, system, "UB").id == ward.id
        assert get_ward_by_code(session, system, "06811").id == ward.id
        assert get_ward_by_code(session, system, " ub ").id == ward.id
        assert get_ward_by_code(session, system, "06799").id == other.id
        assert get_ward_by_code(session, system, "05983").name == "Phường Chi Lăng (cũ)"  # local code wins
        assert get_ward_by_code(session, system, "LVT").id == lvt.id


def test_province_officer_sees_the_wards_of_the_province(catalogue):
    system = Scope.system()
    with write_session(catalogue) as session:
        uong_bi = add_ward(session, system, "06811", "Phường Uông Bí")
        vang_danh = add_ward(session, system, "06799", "Phường Vàng Danh")
        add_ward(session, system, "05983", "Phường Lương Văn Tri")
        add_ward(session, system, "DK", "Phường Đông Kinh")
        officer = add_user(
            session, system, username="soyte", password="mat-khau-dai", role=Role.PROVINCE, province_code="22"
        )
        with pytest.raises(Invalid, match="tỉnh"):
            add_user(session, system, username="thieutinh", password="mat-khau-dai", role=Role.PROVINCE)
    with read_session(catalogue) as session:
        scope = scope_of(session, officer)
        assert scope.is_manager and not scope.sees_all_wards
        assert {w.id for w in list_wards(session, scope)} == {uong_bi.id, vang_danh.id}
        with pytest.raises(Exception, match="Không tìm thấy"):
            get_ward_by_code(session, scope, "DK")
    with pytest.raises(Forbidden):
        scope.require_ward(None)


def test_cli_ward_add_and_user_add_with_official_codes(capsys, db_url, monkeypatch):
    """`db init` brings the embedded catalogue: an official code is recognised at once."""
    assert main(["ward", "add", "06811", "Phường Uông Bí"]) == 0
    assert main(["ward", "add", "UB2", "Phường Thử"]) == 0
    capsys.readouterr()
    assert main(["beneficiaries", "--ward", "06811", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    monkeypatch.setattr(sys, "stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["user", "add", "soyte", "--role", "province", "--province", "22", "--password-stdin"]) == 0
    assert "soyte (province)" in capsys.readouterr().out
