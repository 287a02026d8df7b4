"""Cứu trợ gạo (AppTest on the demo's Tết relief round: Đông Kinh open, Mai Pha approved and half
delivered): what each role sees and may do."""

from data_layer.core.access import Scope
from data_layer.core.db import read_session
from data_layer.demo.relief import ROUND
from data_layer.relief.figures import round_figures
from data_layer.relief.rounds import get_round_by_name
from tests.pages.conftest import app_as

PAGE = "pages/relief.py"


def _figures() -> dict:
    with read_session() as session:
        return round_figures(session, Scope.system(), get_round_by_name(session, ROUND).id)


def _labels(at) -> set[str]:
    return {b.label for b in at.button}


def _ward_choice(at, name: str):
    box = next(s for s in at.selectbox if s.label == "Phường/xã")
    return box.select_index(box.options.index(name))


def test_ward_officer_sees_only_its_ward_and_cannot_approve(demo_db):
    at = app_as("dongkinh", PAGE).run()
    assert not at.exception and not at.error
    box = next(s for s in at.selectbox if s.label == "Phường/xã")
    assert box.options == ["Phường Đông Kinh"]
    table = at.dataframe[0].value
    assert list(table["Phường/xã"]) == ["Phường Đông Kinh"]  # progress in its scope only
    assert "Duyệt số gạo của phường/xã" not in _labels(at)
    assert "Nhập danh sách hộ thiếu đói của phường/xã" in [e.label for e in at.expander]
    assert "Thêm đợt cứu trợ gạo" not in [e.label for e in at.expander]


def test_province_officer_approves_a_ward_then_its_list_is_read_only(demo_db):
    before = _figures()
    at = app_as("soyte", PAGE).run()
    at = _ward_choice(at, "Phường Đông Kinh").run()
    assert "Thêm đợt cứu trợ gạo" in [e.label for e in at.expander]
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Duyệt số gạo của phường/xã").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Đã duyệt 8 hộ của Phường Đông Kinh."]
    after = _figures()
    dk = next(w for w in after["by_ward"] if w["ward"] == "DK")
    assert dk["kg_approved"] == dk["kg_requested"]
    assert after["kg_approved"] == before["kg_approved"] + dk["kg_requested"]
    at = _ward_choice(app_as("soyte", PAGE).run(), "Phường Đông Kinh").run()
    assert any("đã được duyệt và khóa" in w.value for w in at.warning)
    assert "Nhập danh sách hộ thiếu đói của phường/xã" not in [e.label for e in at.expander]


def test_district_records_a_delivery_in_the_approved_ward(demo_db):
    before = _figures()
    at = _ward_choice(app_as("quan", PAGE).run(), "Xã Mai Pha").run()
    form_box = next(s for s in at.selectbox if s.label == "Hộ")
    waiting = next(i for i, h in enumerate(form_box.options) if "đã nhận" not in h)  # not delivered yet
    form_box.select_index(waiting)
    next(n for n in at.number_input if n.label == "Số gạo đã nhận (kg)").set_value(15)
    next(b for b in at.button if b.label == "Ghi nhận đã nhận gạo").click().run()
    assert not at.exception and not at.error
    assert _figures()["kg_delivered"] == before["kg_delivered"] + 15


def test_viewer_sees_figures_and_no_write_controls(demo_db):
    at = app_as("xem", PAGE).run()
    assert not at.exception and not at.error
    assert at.metric[0].value == "16"
    assert not {"Duyệt số gạo của phường/xã", "Ghi nhận đã nhận gạo", "Nhập danh sách"} & _labels(at)
    assert not at.expander or "Thêm đợt cứu trợ gạo" not in [e.label for e in at.expander]


def test_admin_opens_the_page_through_the_menu(demo_db):
    at = app_as("admin").run()
    assert not at.exception
    at = at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Cứu trợ gạo"
    assert [m.value for m in at.metric][:2] == ["16", "40"]  # the demo: 8 + 8 households, 22 + 18 people


def _frame_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_calendar_counts_the_demos_sign_offs_per_report(demo_db):
    """Tết 17/02/2026: Mai Pha signed both reports in time, Đông Kinh its quick report a day late; the
    other four wards sent nothing (the demo's clock is past every deadline)."""
    at = _ward_choice(app_as("quan", PAGE).run(), "Xã Mai Pha").run()
    assert not at.exception and not at.error
    table = _frame_with(at, "Hạn nộp")
    rows = {r["Báo cáo"]: r for r in table.to_dict("records")}
    assert list(rows) == [
        "Kế hoạch hỗ trợ gạo dịp Tết",
        "Báo cáo nhanh trước Tết",
        "Báo cáo trong và sau Tết",
    ]
    quick, after = rows["Báo cáo nhanh trước Tết"], rows["Báo cáo trong và sau Tết"]
    assert (quick["Hạn nộp"], after["Hạn nộp"]) == ("10/02/2026 14:00", "21/02/2026 10:00")
    assert (quick["Đúng hạn"], quick["Muộn"], quick["Chưa báo cáo"]) == ("1", "1", "4")
    assert (after["Đúng hạn"], after["Muộn"], after["Chưa báo cáo"]) == ("1", "0", "5")
    assert quick["Chưa đến hạn"] == "0"
    assert quick["Xã Mai Pha"] == "Đúng hạn (chốt gần nhất 09/02/2026 16:30)"
    # the progress of the page's ward per hamlet (the households' list has Thôn/Tổ too, not Số hộ)
    hamlets = next(d.value for d in at.dataframe if {"Thôn/Tổ", "Số hộ"} <= set(d.value.columns))
    assert len(hamlets) == 3 and hamlets["Số hộ"].astype(int).sum() == 8
    assert "Xem theo thôn/tổ của" not in [s.label for s in at.selectbox]
    signed = _frame_with(at, "Chốt lúc")
    assert list(signed["Người chốt"]) == ["Nguyễn Văn Quân (Phòng VH-XH)"] * 2


def test_a_ward_officer_signs_off_its_report_after_tet_late(demo_db):
    from data_layer.core.codes import ReliefReport
    from data_layer.relief.sign_off import latest_sign_offs, ward_figures

    at = app_as("dongkinh", PAGE).run()
    box = next(s for s in at.selectbox if s.label == "Kỳ báo cáo")
    box.select_index(1)  # the report after Tết (the quick report comes first), sent with the form
    next(b for b in at.button if b.label == "Chốt số liệu của Phường Đông Kinh").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        "Đã chốt số liệu 'Báo cáo trong và sau Tết' của Phường Đông Kinh."
    ]
    with read_session() as session:
        relief = get_round_by_name(session, ROUND)
        ward = next(w for w in _figures()["by_ward"] if w["ward"] == "DK")
        signed = {
            (s.ward, s.report): s for s in latest_sign_offs(session, Scope.system(), relief.id).values()
        }[("Phường Đông Kinh", ReliefReport.AFTER_TET)]
        live = ward_figures(session, Scope.system(), relief.id, signed.ward_id)
    assert signed.late and signed.signed_by == "Hoàng Thị Lan (Phường Đông Kinh)"
    assert signed.figures == live and signed.figures["households"] == ward["households"]
    rows = {r["Báo cáo"]: r for r in _frame_with(at, "Hạn nộp").to_dict("records")}
    assert rows["Báo cáo trong và sau Tết"]["Phường Đông Kinh"].startswith("Muộn (chốt gần nhất ")


def test_a_viewer_sees_the_calendar_but_cannot_sign_off(demo_db):
    at = app_as("xem", PAGE).run()
    assert not at.exception and not at.error
    assert "Hạn nộp" in _frame_with(at, "Hạn nộp").columns
    assert "Kỳ báo cáo" not in [s.label for s in at.selectbox]
    assert not any(b.label.startswith("Chốt số liệu") for b in at.button)


def test_form_10b_opens_on_the_half_year_of_the_newest_round_and_matches_the_data_layer(demo_db):
    from datetime import date

    from data_layer.relief.form_10b import form_10b_food
    from data_layer.relief.rules import tonnes

    at = app_as("quan", PAGE).run()
    assert (
        next(s for s in at.selectbox if s.label == "Kỳ báo cáo mẫu 10b").value.name == "6 tháng đầu năm 2026"
    )
    table = _frame_with(at, "Gạo (tấn)")
    with read_session() as session:
        total, *lines = form_10b_food(session, Scope.system(), date(2026, 1, 1), date(2026, 6, 1))
    first = table.iloc[0]
    assert (first["Chỉ tiêu"], first["Số hộ"], first["Gạo (tấn)"], first["Kinh phí"]) == (
        "Hỗ trợ lương thực (gạo)",
        str(total.households),
        tonnes(total.kg),
        "",  # the demo's round has no rice price
    )
    assert total.households == 4  # Mai Pha's delivered half
    assert list(table["Chỉ tiêu"])[1:] == [
        "Tết Nguyên đán", "Giáp hạt", "Thiên tai", "Hỏa hoạn", "Mất mùa", "Lý do khác"
    ]  # fmt: skip
