"""Hamlets as units under their ward: created from imports' Thôn/Tổ column, one unit per folded name,
two spellings merged by an admin (people moved, audited; later lists follow), on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_layer.core.access import Scope
from data_layer.core.db import read_session, write_session
from data_layer.core.errors import Forbidden
from data_layer.core.models import AuditEvent, Beneficiary
from data_layer.importing.commit import commit_import
from data_layer.importing.preview import ImportRequest, preview_import
from data_layer.registry.hamlets import list_hamlets, merge_hamlets
from tests.data_layer.workbooks import HEADER, xlsx_bytes

SYSTEM = Scope.system()


def _import(engine, ward_id, people, name="ds.xlsx"):
    rows = [["DANH SÁCH"], [], HEADER]
    rows += [
        [i + 1, n, "1950", "Nam", None, hamlet, "Người cao tuổi", None]
        for i, (n, hamlet) in enumerate(people)
    ]
    with write_session(engine) as session:
        preview = preview_import(
            session, SYSTEM, ImportRequest(file_name=name, data=xlsx_bytes(rows), ward_id=ward_id)
        )
        commit_import(session, SYSTEM, preview)


def _hamlets(engine, ward_id):
    with read_session(engine) as session:
        return [(h.name, n) for h, n in list_hamlets(session, SYSTEM, ward_id)]


def test_imports_create_one_hamlet_per_folded_name(engine, wards):
    _import(
        engine, wards["A"], [("Nguyễn Văn An", "Khối 1"), ("Lê Văn Ba", "khối  1"), ("Trần Văn Tư", "Khối 2")]
    )
    _import(engine, wards["B"], [("Hà Văn Năm", "Khối 1")], name="b.xlsx")
    assert _hamlets(engine, wards["A"]) == [("Khối 1", 2), ("Khối 2", 1)]
    assert _hamlets(engine, wards["B"]) == [("Khối 1", 1)]
    ward_b = Scope(user_id=None, username="b", role="ward", ward_ids=frozenset({wards["B"]}))
    with read_session(engine) as session:
        assert list_hamlets(session, ward_b, wards["A"]) == []


def test_an_admin_merges_two_spellings_and_later_lists_follow(engine, wards):
    _import(engine, wards["A"], [("Nguyễn Văn An", "Thôn Nà Chuông"), ("Lê Văn Ba", "Thôn Na Chuong")])
    ward_staff = Scope(user_id=None, username="a", role="ward", ward_ids=frozenset({wards["A"]}))
    with pytest.raises(Forbidden), write_session(engine) as session:
        merge_hamlets(session, ward_staff, wards["A"], "Thôn Nà Chuông", "Thôn Na Chuong")
    # the two spellings fold alike: one hamlet already; a true second spelling is merged
    assert _hamlets(engine, wards["A"]) == [("Thôn Nà Chuông", 2)]
    _import(engine, wards["A"], [("Trần Văn Tư", "Nà Chuông")], name="2.xlsx")
    assert len(_hamlets(engine, wards["A"])) == 2
    with write_session(engine) as session:
        assert merge_hamlets(session, SYSTEM, wards["A"], "Thôn Nà Chuông", "Nà Chuông") == 1
    assert _hamlets(engine, wards["A"]) == [("Thôn Nà Chuông", 3)]
    _import(engine, wards["A"], [("Phạm Thị Sáu", "nà chuông")], name="3.xlsx")
    with read_session(engine) as session:
        stored = dict(session.execute(select(Beneficiary.name, Beneficiary.hamlet)).all())
        audited = session.execute(
            select(AuditEvent.old, AuditEvent.new).where(
                AuditEvent.table_name == "beneficiary", AuditEvent.field == "hamlet"
            )
        ).all()
    assert stored["Trần Văn Tư"] == "Thôn Nà Chuông" and stored["Phạm Thị Sáu"] == "Thôn Nà Chuông"
    assert [tuple(a) for a in audited] == [("Nà Chuông", "Thôn Nà Chuông")]
    assert _hamlets(engine, wards["A"]) == [("Thôn Nà Chuông", 4)]
