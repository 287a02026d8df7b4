"""'Đối tượng' editing through seeded data_editor state, two concurrent sessions, and 'Nhật ký' revert."""

from sqlalchemy import select

from data_layer.core.codes import PersonStatus
from data_layer.core.db import write_session
from data_layer.core.models import AuditEvent, Beneficiary
from tests.pages.conftest import app_as


def editor_key(at) -> str:
    return f"registry_editor_{at.session_state['registry_editor_round']}"


def edit_and_save(at, edited_rows: dict):
    at.session_state[editor_key(at)] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Lưu thay đổi").click().run()
    return at


def first_shown(at):
    return at.session_state["registry_rows"][0]


def stored(person_id: int) -> Beneficiary:
    with write_session() as session:
        return session.execute(select(Beneficiary).where(Beneficiary.id == person_id)).scalar_one()


def test_edit_is_saved_and_audited(demo_db):
    at = app_as("dongkinh", "pages/beneficiaries.py").run()
    person = first_shown(at)
    edit_and_save(at, {0: {"hamlet": "Khối Mới", "note": "Đã xác minh tại nhà"}})
    assert not at.exception
    assert any("Đã lưu 1 thay đổi" in s.value for s in at.success)
    assert any("Đã lưu 1 thay đổi" in t.value for t in at.toast)  # seen where the user is, under the grid
    after = stored(person.id)
    assert (after.hamlet, after.note, after.version) == (
        "Khối Mới",
        "Đã xác minh tại nhà",
        person.version + 1,
    )
    with write_session() as session:
        fields = set(
            session.execute(
                select(AuditEvent.field).where(
                    AuditEvent.row_id == person.id, AuditEvent.table_name == "beneficiary"
                )
            ).scalars()
        )
    assert {"hamlet", "note"} <= fields


def test_second_session_is_refused_and_keeps_its_edit(demo_db):
    first = app_as("dongkinh", "pages/beneficiaries.py").run()
    second = app_as("quan", "pages/beneficiaries.py").run()
    wards = second.selectbox[0]
    wards.select_index(wards.options.index("Phường Đông Kinh")).run()  # district staff pick the same ward
    person = first_shown(first)
    assert first_shown(second).id == person.id
    edit_and_save(first, {0: {"hamlet": "Khối của người thứ nhất"}})
    edit_and_save(second, {0: {"hamlet": "Khối của người thứ hai"}})
    errors = " ".join(e.value for e in second.error)
    assert "Người khác đã sửa" in errors and "Khối của người thứ nhất" in errors
    assert stored(person.id).hamlet == "Khối của người thứ nhất"
    # the refused edit is still in the editor, not lost
    assert second.session_state[editor_key(second)]["edited_rows"] == {
        0: {"hamlet": "Khối của người thứ hai"}
    }


def test_invalid_edit_shows_row_and_column(demo_db):
    at = app_as("dongkinh", "pages/beneficiaries.py").run()
    person = first_shown(at)
    edit_and_save(at, {0: {"national_id": "12345"}})
    assert any("Dòng 1" in e.value and "Số CCCD" in e.value for e in at.error)
    assert stored(person.id).national_id == person.national_id


def test_viewer_cannot_edit(demo_db):
    at = app_as("xem", "pages/beneficiaries.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Lưu thay đổi"]


def test_audit_page_reverts_a_change(demo_db):
    at = app_as("dongkinh", "pages/beneficiaries.py").run()
    person = first_shown(at)
    edit_and_save(at, {0: {"hamlet": "Khối Sai"}})
    log = app_as("dongkinh", "pages/audit_log.py").run()
    assert not log.exception
    next(b for b in log.button if b.label == "Hoàn tác thay đổi này").click().run()
    next(b for b in log.button if b.label == "Hoàn tác").click().run()  # in the confirmation
    assert any("Đã hoàn tác" in s.value for s in log.success)
    assert stored(person.id).hamlet == person.hamlet


def test_unsaved_edits_wait_for_a_filter_change_until_saved_or_dropped(demo_db):
    at = app_as("dongkinh", "pages/beneficiaries.py").run()
    person = first_shown(at)
    at.session_state[editor_key(at)] = {
        "edited_rows": {0: {"hamlet": "Khối Tạm"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert any(f"1 thay đổi chưa lưu — {person.name}: Thôn/tổ" in w.value for w in at.warning)
    next(s for s in at.selectbox if s.label == "Tình trạng").select(PersonStatus.DIED).run()
    assert any("chưa được áp dụng" in w.value for w in at.warning)
    assert first_shown(at).id == person.id  # the edited rows stay on the grid
    next(b for b in at.button if b.label == "Bỏ các thay đổi chưa lưu").click().run()
    assert {p.status for p in at.session_state["registry_rows"]} == {PersonStatus.DIED}
    assert stored(person.id).hamlet == person.hamlet


def test_deleting_people_asks_first(demo_db):
    at = app_as("dongkinh", "pages/beneficiaries.py").run()
    people = at.session_state["registry_rows"]
    doomed = next(p for p in people if p.status == PersonStatus.ACTIVE)  # demo gifts: use an undelivered one
    position = people.index(doomed)
    at.session_state[editor_key(at)] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [position]}
    at.run()
    next(b for b in at.button if b.label == "Lưu thay đổi").click().run()
    assert any(f"Xóa hẳn {doomed.name}" in w.value for w in at.warning)
    assert stored_or_none(doomed.id) is not None  # nothing deleted before the confirmation
    next(b for b in at.button if b.label == "Hủy").click().run()
    assert not any("Xóa hẳn" in w.value for w in at.warning)


def stored_or_none(person_id: int):
    with write_session() as session:
        return session.get(Beneficiary, person_id)


def test_every_audit_entry_names_what_it_touched(demo_db):
    from data_layer.core.access import Scope
    from data_layer.registry.history import audit_log
    from data_layer.vn.labels import RECORD_LABELS

    with write_session() as session:
        log = audit_log(session, Scope.system(), limit=100_000)
    kinds = {e.table for e in log}
    assert {"entitlement", "payroll"} <= kinds  # the demo stops allowances (deaths) and locks payrolls
    bare = [(e.table, e.action, e.record) for e in log if e.record in ("", *RECORD_LABELS.values())]
    assert bare == []
    stop = next(e for e in log if e.table == "entitlement")
    assert stop.record.startswith("Trợ cấp hằng tháng của ") and stop.record.endswith(")")
    lock = next(e for e in log if e.table == "payroll")
    assert lock.record.startswith("Danh sách chi trả tháng ")
