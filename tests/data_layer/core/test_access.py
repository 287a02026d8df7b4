"""Scope: ward staff only ever see and change their own ward, enforced in the SQL of every function."""

import pytest
from sqlalchemy import insert

from data_layer.campaigns.setup import create_campaign
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.core.errors import Forbidden, NotFound
from data_layer.core.models import Beneficiary, Campaign, User
from data_layer.registry.catalog import add_source
from data_layer.registry.wards import add_ward, get_ward_by_code, list_wards
from data_layer.reports.overview import overview
from tests.conftest import people_of


@pytest.fixture
def people(engine, wards):
    with write_session(engine) as session:
        session.execute(
            insert(Beneficiary),
            [
                {"ward_id": wards["A"], "name": "Nguyễn Văn An", "name_key": "nguyen van an"},
                {"ward_id": wards["A"], "name": "Lê Thị Bình", "name_key": "le thi binh"},
                {"ward_id": wards["B"], "name": "Trần Văn Cường", "name_key": "tran van cuong"},
            ],
        )
        session.add(Campaign(name="Tết 2026", year=2026))
    return wards


def ward_scope(ward_id: int, role: str = "ward") -> Scope:
    return Scope.for_user(User(id=7, username="u", name="U", password_hash="x", role=role, ward_id=ward_id))


def test_scope_for_user_roles(wards):
    assert ward_scope(wards["A"]).ward_ids == {wards["A"]}
    assert ward_scope(wards["A"], "viewer").ward_ids == {wards["A"]}
    assert ward_scope(wards["A"], "district").ward_ids is None
    assert Scope.for_user(User(username="v", name="V", password_hash="x", role="viewer")).ward_ids is None
    # ward staff without a ward sees nothing at all
    assert (
        Scope.for_user(User(username="w", name="W", password_hash="x", role="ward")).ward_ids == frozenset()
    )


def test_ward_staff_read_only_their_ward(engine, people, admin_scope):
    scope = ward_scope(people["A"])
    with write_session(engine) as session:
        names = {r.name for r in people_of(session, scope)}
        assert names == {"Nguyễn Văn An", "Lê Thị Bình"}
        assert people_of(session, scope, ward_id=people["B"]) == []
        assert len(people_of(session, admin_scope)) == 3
        assert overview(session, scope).people == 2
        assert overview(session, scope).wards == 1
        assert overview(session, admin_scope).people == 3
        assert [w.code for w in list_wards(session, scope)] == ["A"]
        with pytest.raises(NotFound, match="Không tìm thấy phường/xã"):
            get_ward_by_code(session, scope, "B")


def test_ward_staff_without_ward_sees_nothing(engine, people):
    scope = Scope(user_id=1, username="w", role="ward", ward_ids=frozenset())
    with write_session(engine) as session:
        assert people_of(session, scope) == []
        assert overview(session, scope).wards == 0


@pytest.mark.parametrize("role", ["ward", "viewer", "district"])
def test_only_admin_changes_reference_data(engine, wards, role):
    scope = ward_scope(wards["A"], role)
    with write_session(engine) as session:
        with pytest.raises(Forbidden):
            add_ward(session, scope, "C", "Phường C")
        with pytest.raises(Forbidden):
            add_source(session, scope, "QX", "Quỹ X")


def test_viewer_and_ward_staff_cannot_create_campaigns(engine, wards):
    with write_session(engine) as session:
        for role in ("viewer", "ward"):
            with pytest.raises(Forbidden):
                create_campaign(session, ward_scope(wards["A"], role), name="Đợt X", year=2026)
        district = Scope(user_id=None, username="d", role="district", ward_ids=None)
        assert create_campaign(session, district, name="Đợt X", year=2026).id


def test_require_ward_refuses_other_wards_and_viewers(wards):
    ward_staff = ward_scope(wards["A"])
    ward_staff.require_ward(wards["A"])
    with pytest.raises(Forbidden):
        ward_staff.require_ward(wards["B"])
    with pytest.raises(Forbidden, match="chỉ xem"):
        ward_scope(wards["A"], "viewer").require_ward(wards["A"])
