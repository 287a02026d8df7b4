"""'Tiến độ' shows the same figures as the data layer, and fresh ones after a write."""

from datetime import date

from data_layer.campaigns.delivery import allocation_rows, mark_delivered
from data_layer.campaigns.setup import list_campaigns, list_packages
from data_layer.core.access import Scope
from data_layer.core.db import write_session
from data_layer.reports.progress import campaign_progress, registry_quality
from data_layer.vn.formatting import format_count
from tests.conftest import source_id
from tests.pages.conftest import app_as, open_page


def test_headline_follows_writes(demo_db):
    at = open_page("quan", "pages/progress.py")
    assert not at.exception
    before = at.metric[1].value
    with write_session() as session:
        campaign = list_campaigns(session)[0]
        pending = allocation_rows(session, Scope.system(), campaign.id, status="planned")
        mark_delivered(session, Scope.system(), [r.id for r in pending[:5]], on=date(2026, 2, 5))
    at.run()
    after = at.metric[1].value
    assert int(after.split()[0].replace(".", "")) == int(before.split()[0].replace(".", "")) + 5


def test_problem_links_open_the_registry_filtered_by_that_problem(demo_db):
    at = open_page("quan", "pages/progress.py")
    assert not at.exception
    with write_session() as session:
        quality = registry_quality(session, Scope.system())
    missing = sum(q.missing_id for q in quality)
    assert missing > 0  # the demo registry has people without a CCCD
    assert f"Thiếu CCCD: {format_count(missing)}" in [link.proto.label for link in at.get("page_link")]

    ward = max(quality, key=lambda q: q.no_hamlet)
    registry = app_as("quan", "pages/beneficiaries.py")
    registry.query_params["ward"] = str(ward.ward_id)
    registry.query_params["problem"] = "no_hamlet"
    registry.run()
    assert not registry.exception
    labels = {box.label: box.value for box in registry.selectbox}
    assert labels["Lỗi dữ liệu"] == "no_hamlet" and labels["Phường/xã"].id == ward.ward_id
    assert f"tổng {format_count(ward.no_hamlet)} người" in registry.number_input[0].label


def test_filter_by_source_and_package_narrows_the_headline(demo_db):
    at = open_page("quan", "pages/progress.py")
    with write_session() as session:
        campaign = list_campaigns(session)[0]
        tw_id = source_id(session, "TW")
        tw = campaign_progress(session, Scope.system(), campaign.id, source_id=tw_id).total
        packages = [p for p in list_packages(session, campaign.id) if p.source_id == tw_id]
        one = campaign_progress(session, Scope.system(), campaign.id, package_id=packages[0].id).total
    box = {s.label: s for s in at.selectbox}
    box["Nguồn kinh phí"].select(tw_id).run()
    assert not at.exception
    assert at.metric[0].value == f"{format_count(tw.planned)} suất"
    box = {s.label: s for s in at.selectbox}
    assert len(box["Mức quà"].options) == len(packages) + 1  # "Tất cả" + the TW packages
    box["Mức quà"].select(packages[0].id).run()
    assert at.metric[0].value == f"{format_count(one.planned)} suất"
    assert len(packages) == 2 and 0 < one.planned < tw.planned  # the demo's two TW levels


def test_chart_labels_tell_packages_apart_and_legends_are_not_cut(demo_db):
    import json

    at = open_page("quan", "pages/progress.py")
    assert not at.exception, at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    axes = [s["encoding"]["y"].get("axis", {}) for s in specs if "encoding" in s]
    whole = [a for a in axes if a.get("labelLimit") == 0]
    assert len(whole) >= 2  # by source and by package: whole labels, never "Quà Chủ tịch nướ…"
    named = [s["encoding"]["y"] for s in specs if s.get("encoding", {}).get("y", {}).get("type") == "nominal"]
    assert named and all(y.get("axis", {}).get("labelLimit") == 0 for y in named)  # never "Phường Hoàng Vă…"
    legends = [s["encoding"]["color"].get("legend") for s in specs if "color" in s.get("encoding", {})]
    assert {"orient": "bottom", "columns": 2, "labelLimit": 0} in legends


def _relief_tables(at) -> list:
    return [d.value for d in at.dataframe if "Tỷ lệ đã cấp" in d.value.columns]


def test_relief_round_progress_per_ward_then_per_hamlet_of_a_chosen_ward(demo_db):
    from data_layer.core.db import read_session
    from data_layer.demo.relief import ROUND
    from data_layer.relief.figures import hamlet_figures, round_figures
    from data_layer.relief.rounds import get_round_by_name
    from data_layer.relief.rules import tonnes

    at = open_page("quan", "pages/progress.py")
    assert not at.exception and not at.error
    with read_session() as session:
        relief = get_round_by_name(session, ROUND)
        figures = round_figures(session, Scope.system(), relief.id)
        mai_pha = next(w for w in figures["by_ward"] if w["ward"] == "MP")
        hamlets = hamlet_figures(session, Scope.system(), relief.id)
    assert next(s for s in at.selectbox if s.label == "Đợt cứu trợ gạo").value.name == ROUND
    (by_ward,) = _relief_tables(at)
    assert list(by_ward["Phường/xã"]) == [w["name"] for w in figures["by_ward"]]
    row = by_ward[by_ward["Phường/xã"] == "Xã Mai Pha"].iloc[0]
    assert (row["Số hộ"], row["Được duyệt (tấn)"], row["Đã cấp (tấn)"]) == (
        format_count(mai_pha["households"]),
        tonnes(mai_pha["kg_approved"]),
        tonnes(mai_pha["kg_delivered"]),
    )
    assert row["Tỷ lệ đã cấp"].endswith("%") and mai_pha["kg_delivered"] > 0
    box = next(s for s in at.selectbox if s.label == "Xem theo thôn/tổ của")
    box.select_index(box.options.index("Xã Mai Pha")).run()
    assert not at.exception
    by_ward, by_hamlet = _relief_tables(at)
    expected = [h for h in hamlets if h["ward"] == "MP"]
    assert list(by_hamlet["Thôn/Tổ"]) == [h["hamlet"] for h in expected]
    assert list(by_hamlet["Đã cấp (tấn)"]) == [tonnes(h["kg_delivered"]) for h in expected]
    assert sum(h["households"] for h in expected) == mai_pha["households"]


def test_a_commune_office_sees_its_hamlets_at_once(demo_db):
    at = open_page("dongkinh", "pages/progress.py")
    assert not at.exception and not at.error
    by_ward, by_hamlet = _relief_tables(at)
    assert list(by_ward["Phường/xã"]) == ["Phường Đông Kinh"]
    assert "Xem theo thôn/tổ của" not in [s.label for s in at.selectbox]
    assert by_hamlet["Số hộ"].astype(int).sum() == int(by_ward["Số hộ"].iloc[0])
