"""The reconciliation panel of the Thẻ BHYT page (AppTest on the demo season): a ward officer and a
viewer upload the agency's list and see, in the tabs, who has no card and whose data disagree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data_layer.bhyt.coverage import coverage
from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.core.models import Beneficiary, Ward
from data_layer.vn.months import month_of
from tests.data_layer.workbooks import xlsx_bytes
from tests.pages.conftest import app_as

HEADER = ["STT", "Họ và tên", "Số CCCD", "Số thẻ BHYT", "Giá trị từ ngày", "Giá trị đến ngày"]


def agency_list(month: date, engine=None) -> tuple[bytes, dict[str, str]]:
    """Cards for the first three people Đông Kinh covers in ``month``: the first as An Sinh has them,
    the second left out, the third under another name; their names by role."""
    with read_session(engine) as session:
        ward = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        covered, _ = coverage(session, Scope.system(), month, [ward])
        people = [session.get(Beneficiary, pid) for pid in sorted(covered)[:3]]
    rows = []
    for number, (person, name) in enumerate(zip(people, [None, None, "Người Khác Tên"], strict=True), 1):
        social = person.social_insurance_no or f"29{person.id:08d}"
        card = person.health_card_no or f"{covered[person.id].card_type}220{social}"
        if number != 2:
            rows.append([number, name or person.name, person.national_id, card, "01/01/2025", "31/12/2099"])
    names = {"kept": people[0].name, "missing": people[1].name, "renamed": people[2].name}
    return xlsx_bytes([HEADER, *rows]), names


def tab_table(at, column_value: str):
    """The reconciliation's table (the one with a Chi tiết column) whose rows name ``column_value``."""
    return [
        d.value
        for d in at.dataframe
        if "Chi tiết" in d.value.columns and column_value in d.value["Họ và tên"].tolist()
    ]


def test_a_ward_officer_uploads_the_agencys_list_and_sees_the_mismatches(demo_db):
    at = app_as("dongkinh", "pages/bhyt.py").run()
    assert not at.exception
    month = next(s for s in at.selectbox if s.label == "Tháng").value
    data, names = agency_list(month_of(month))
    at.file_uploader[0].upload("the_bhyt_dong_kinh.xlsx", data).run()
    assert not at.exception
    assert any("Đối chiếu 2 thẻ với danh sách tháng" in m.value for m in at.markdown)
    (missing,) = tab_table(at, names["missing"])
    assert "Cần thẻ" in missing.loc[missing["Họ và tên"] == names["missing"], "Chi tiết"].item()
    (differs,) = tab_table(at, names["renamed"])
    detail = differs.loc[differs["Họ và tên"] == names["renamed"], "Chi tiết"].item()
    assert detail.startswith(f"Họ và tên: Người Khác Tên (BHXH) – {names['renamed']} (An Sinh)")
    assert set(differs["Phường/xã"]) == {"Phường Đông Kinh"}
    link = differs.loc[differs["Họ và tên"] == names["renamed"], "Xem"].item()
    assert link.startswith("/beneficiaries?q=")
    assert not [
        d
        for d in at.dataframe
        if "Chi tiết" in d.value.columns and names["kept"] in d.value["Họ và tên"].tolist()
    ]


def test_a_viewer_may_reconcile_and_a_bad_file_names_its_row(demo_db):
    at = app_as("xem", "pages/bhyt.py").run()
    assert not at.exception and not [b for b in at.button if b.label == "Khóa danh sách"]
    bad = xlsx_bytes([HEADER, [1, "Ai Đó", "001040000001", "BT22012345", "01/01/2025", "31/12/2099"]])
    at.file_uploader[0].upload("hong.xlsx", bad).run()
    assert not at.exception
    assert any("Dòng 2, cột Số thẻ BHYT" in e.value for e in at.error)


def test_the_link_of_a_row_opens_the_registry_searching_the_person(demo_db):
    with read_session() as session:
        name, national_id = session.execute(
            select(Beneficiary.name, Beneficiary.national_id).where(Beneficiary.national_id.is_not(None))
        ).first()
    at = app_as("quan", "pages/beneficiaries.py")
    at.query_params["q"] = national_id
    at.run()
    assert not at.exception
    assert next(t for t in at.text_input if t.label.startswith("Tìm theo họ tên")).value == national_id
    assert at.dataframe[0].value["name"].tolist() == [name]  # the grid shows that person only
