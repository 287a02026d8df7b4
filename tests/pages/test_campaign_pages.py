"""Campaign setup and delivery pages (AppTest) on the demo season."""

import re
from datetime import date

from sqlalchemy import func, select

from data_layer.campaigns.delivery import allocation_rows, mark_delivered
from data_layer.campaigns.setup import list_campaigns
from data_layer.core.access import Scope
from data_layer.core.codes import AllocationStatus
from data_layer.core.db import write_session
from data_layer.core.models import Allocation, Beneficiary, BeneficiaryCategory, Campaign, Category, Ward
from data_layer.vn.formatting import format_count, format_money
from tests.pages.conftest import app_as


def _count(*conditions) -> int:
    with write_session() as session:
        return session.execute(select(func.count()).select_from(Allocation).where(*conditions)).scalar_one()


def _campaign_count() -> int:
    with write_session() as session:
        return session.execute(select(func.count()).select_from(Campaign)).scalar_one()


def _previewed_total(at) -> tuple[int, int]:
    """The preview's "Tổng: **N suất = X đ**" as (N, X)."""
    next(b for b in at.button if b.label == "Xem trước phân bổ").click().run()
    found = [re.search(r"Tổng: \*\*([\d.]+) suất = ([\d.]+) đ\*\*", m.value) for m in at.markdown]
    count, amount = next(f.groups() for f in found if f)
    return int(count.replace(".", "")), int(amount.replace(".", ""))


def test_auto_allocation_preview_then_commit(demo_db):
    """The preview counts what is missing: the demo's own (people recognised as poor after the campaign's
    allocation) and a new invalid soldier (one TW gift of 300.000 đ); committing writes exactly those."""
    waiting, waiting_amount = _previewed_total(app_as("quan", "pages/campaigns.py").run())
    with write_session() as session:  # a new invalid soldier: the rules must find him
        ward_id = session.execute(select(Beneficiary.ward_id).limit(1)).scalar_one()
        person = Beneficiary(
            ward_id=ward_id, name="Người Mới Bổ Sung", name_key="nguoi moi bo sung", birth_year=1950
        )
        session.add(person)
        session.flush()
        category = session.execute(select(Category.id).where(Category.code == "NCC_TB")).scalar_one()
        session.add(BeneficiaryCategory(beneficiary_id=person.id, category_id=category))
    before = _count()
    at = app_as("quan", "pages/campaigns.py").run()
    assert _previewed_total(at) == (waiting + 1, waiting_amount + 300_000)
    next(b for b in at.button if b.label == "Ghi phân bổ").click().run()
    assert not at.exception
    assert any(f"Đã phân bổ {waiting + 1} suất quà" in s.value for s in at.success)
    assert _count() == before + waiting + 1


def test_viewer_sees_campaign_but_cannot_allocate(demo_db):
    at = app_as("xem", "pages/campaigns.py").run()
    assert not at.exception
    assert at.dataframe  # the packages table
    assert not [b for b in at.button if b.label in ("Xem trước phân bổ", "Ghi phân bổ")]


def test_ward_officer_marks_all_filtered_delivered(demo_db):
    at = app_as("dongkinh", "pages/delivery.py").run()
    assert not at.exception
    assert at.selectbox[1].options == ["Phường Đông Kinh"]
    at.selectbox[4].select(AllocationStatus.PLANNED).run()  # only the gifts not handed out yet
    pending = _count(Allocation.status == "planned")
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Đánh dấu đã phát").click().run()
    assert _count(Allocation.status == "planned") == pending  # nothing written before the confirmation
    with write_session() as session:
        dk = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        campaign = list_campaigns(session)[0]
        shown = allocation_rows(
            session, Scope.system(), campaign.id, ward_id=dk, status=AllocationStatus.PLANNED
        )
    (question,) = [w.value for w in at.warning if w.value.startswith("Ghi đã phát")]
    amount = format_money(sum(r.amount for r in shown))
    assert f"cho {format_count(pending_dk := len(shown))} suất = {amount}: {shown[0].name}, " in question
    assert question.endswith(f"và {format_count(pending_dk - 5)} suất khác?")
    next(b for b in at.button if b.label == "Ghi đã phát").click().run()
    assert any("Đã ghi nhận phát" in s.value for s in at.success)
    remaining = _count(Allocation.status == "planned")
    assert 0 < pending - remaining
    with write_session() as session:
        planned_wards = set(
            session.execute(
                select(Ward.code)
                .join(Allocation, Allocation.ward_id == Ward.id)
                .where(Allocation.status == "planned")
            ).scalars()
        )
    # every pending gift of the officer's ward is now delivered; other wards are untouched
    assert "DK" not in planned_wards and "CL" in planned_wards


def test_copying_a_tet_campaign_shows_the_dates_moved_by_the_lunar_new_year_first(demo_db):
    at = app_as("quan", "pages/campaigns.py").run()
    assert not at.exception, at.exception
    campaign = next(b for b in at.selectbox if b.label == "Đợt tặng quà").value  # Tết 17/02/2026
    assert campaign.year == 2026
    at.text_input(key=f"copy_name_{campaign.id}").set_value("Tết Nguyên đán Đinh Mùi 2027").run()
    assert "Tết 17/02/2026 → Tết 06/02/2027" in " ".join(c.value for c in at.caption)
    preview = next(f.value for f in at.dataframe if "Đợt mới" in f.value.columns)
    ends = preview.set_index("Ngày")
    moved = (campaign.end_date - date(2026, 2, 17)) + date(2027, 2, 6)
    assert ends.loc["Kết thúc", "Đợt mới"] == moved.strftime("%d/%m/%Y")
    before = _campaign_count()
    next(b for b in at.button if b.label == "Sao chép các mức quà và lịch báo cáo").click().run()
    assert _campaign_count() == before  # nothing before the confirmation
    next(b for b in at.button if b.label == "Tạo đợt mới").click().run()
    assert not at.exception, at.exception
    with write_session() as session:
        copy = session.execute(
            select(Campaign).where(Campaign.name == "Tết Nguyên đán Đinh Mùi 2027")
        ).scalar_one()
        assert copy.end_date == moved


def test_campaign_dates_can_be_changed_after_creation_and_an_old_campaign_says_it_ended(demo_db):
    at = app_as("quan", "pages/campaigns.py").run()
    campaign = next(b for b in at.selectbox if b.label == "Đợt tặng quà").value
    assert any(f"Đợt «{campaign.name}» đã kết thúc ngày" in w.value for w in at.warning)
    form = f"campaign_dates_{campaign.id}"
    next(
        n for n in at.number_input if n.label == "Giờ báo cáo hằng ngày" and form in str(n.form_id)
    ).set_value(10)
    next(d for d in at.date_input if d.label == "Kết thúc" and form in str(d.form_id)).set_value(
        date(2026, 2, 20)
    )
    next(b for b in at.button if b.label == "Lưu ngày của đợt").click().run()
    assert not at.exception, at.exception
    with write_session() as session:
        saved = session.get(Campaign, campaign.id)
        assert (saved.report_hour, saved.end_date) == (10, date(2026, 2, 20))


def test_an_empty_gift_grid_says_so_in_vietnamese(demo_db):
    with write_session() as session:
        dk = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        campaign = list_campaigns(session)[0]
        pending = allocation_rows(
            session, Scope.system(), campaign.id, ward_id=dk, status=AllocationStatus.PLANNED
        )
        mark_delivered(session, Scope.system(), [r.id for r in pending], on=date(2026, 2, 1), by="Cán bộ")
    at = app_as("dongkinh", "pages/delivery.py").run()
    next(b for b in at.selectbox if b.label == "Tình trạng").select(AllocationStatus.PLANNED).run()
    assert not at.exception, at.exception
    assert "Không có suất quà nào theo bộ lọc đã chọn." in [i.value for i in at.info]
    assert not [f for f in at.dataframe if "Chọn" in f.value.columns]  # no grid to print Streamlit's "empty"
