"""Đợt tặng quà: campaigns, packages with eligibility rules, auto-allocation and the omission checks."""

from datetime import date

import pandas as pd
import streamlit as st

from data_layer.campaigns.allocation import (
    apply_allocations,
    cross_ward_duplicates,
    ineligible_allocations,
    omissions,
    propose_allocations,
)
from data_layer.campaigns.approval import close_campaign
from data_layer.campaigns.calendar import (
    DATE_FIELDS,
    add_milestone,
    copy_campaign,
    copy_plan,
    delete_milestone,
    list_milestones,
    report_hour,
    update_milestone,
)
from data_layer.campaigns.rules import Rule, parse_ages
from data_layer.campaigns.setup import (
    add_package,
    create_campaign,
    delete_package,
    ended_notice,
    list_campaigns,
    list_packages,
    update_campaign_dates,
)
from data_layer.core.codes import CampaignKind, CampaignStatus, PackageKind, PersonStatus
from data_layer.core.db import read_session
from data_layer.registry.catalog import list_categories, list_sources
from data_layer.registry.wards import list_wards
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_date, format_money
from data_layer.vn.values import parse_amount
from ui.feedback import confirm_button, run_write, show_flash, shown_errors
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE

scope = require_scope()
st.title("Đợt tặng quà")
show_flash()

with read_session() as session:
    campaigns = list_campaigns(session)
    sources = list_sources(session)
    categories = list_categories(session)
    wards = list_wards(session, scope)
category_names = {c.code: c.name for c in categories}
ward_names = {w.code: w.name for w in wards}


def new_campaign_form() -> None:
    with st.form("new_campaign"):
        c1, c2, c3 = st.columns([3, 1, 1])
        name = c1.text_input("Tên đợt (ví dụ: Tết Nguyên đán Đinh Mùi 2027)")
        kind = c2.selectbox("Loại", list(CampaignKind), format_func=labels.label, placeholder=CHOOSE_ONE)
        year = c3.number_input("Năm", 2000, 2100, date.today().year)
        d1, d2, d3, d4, d5 = st.columns(5)
        start = d1.date_input("Bắt đầu", None, format="DD/MM/YYYY")
        end = d2.date_input("Kết thúc", None, format="DD/MM/YYYY")
        report_from = d3.date_input("Báo cáo từ ngày", None, format="DD/MM/YYYY")
        report_to = d4.date_input("Báo cáo đến ngày", None, format="DD/MM/YYYY")
        hour = d5.number_input("Giờ báo cáo hằng ngày", 0, 23, 14)
        if st.form_submit_button("Tạo đợt"):
            run_write(
                lambda s: create_campaign(
                    s,
                    scope,
                    name=name,
                    year=int(year),
                    kind=kind,
                    start_date=start,
                    end_date=end,
                    report_from=report_from,
                    report_to=report_to,
                    report_hour=int(hour),
                ),
                f"Đã tạo đợt '{name}'.",
            )


def dates_form(campaign) -> None:
    """The campaign's dates, daily report window and deadline hour, changeable after creation."""
    with st.form(f"campaign_dates_{campaign.id}"):
        d1, d2, d3, d4, d5 = st.columns(5)
        start = d1.date_input("Bắt đầu", campaign.start_date, format="DD/MM/YYYY")
        end = d2.date_input("Kết thúc", campaign.end_date, format="DD/MM/YYYY")
        report_from = d3.date_input("Báo cáo từ ngày", campaign.report_from, format="DD/MM/YYYY")
        report_to = d4.date_input("Báo cáo đến ngày", campaign.report_to, format="DD/MM/YYYY")
        hour = d5.number_input("Giờ báo cáo hằng ngày", 0, 23, report_hour(campaign))
        if st.form_submit_button("Lưu ngày của đợt"):
            run_write(
                lambda s: update_campaign_dates(
                    s,
                    scope,
                    campaign.id,
                    start_date=start,
                    end_date=end,
                    report_from=report_from,
                    report_to=report_to,
                    report_hour=int(hour),
                ),
                f"Đã lưu ngày của đợt '{campaign.name}'.",
            )


def copy_section(campaign) -> None:
    """Copy the campaign to a later year: the new dates are shown before anything is written."""
    c1, c2 = st.columns([3, 1])
    year = int(
        c2.number_input("Năm của đợt mới", 2000, 2100, campaign.year + 1, key=f"copy_year_{campaign.id}")
    )
    name = c1.text_input("Tên đợt mới", key=f"copy_name_{campaign.id}")
    with read_session() as session:
        plan = copy_plan(session, campaign.id, year)
    st.caption(plan.how)
    moved = [(DATE_FIELDS[field], old, new) for field, (old, new) in plan.dates.items()]
    moved += [(f"Kỳ báo cáo: {milestone}", old, new) for milestone, old, new in plan.milestones]
    if moved:
        st.dataframe(
            pd.DataFrame(
                [
                    {"Ngày": what, "Đợt này": format_date(old), "Đợt mới": format_date(new)}
                    for what, old, new in moved
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    if confirm_button(
        "Sao chép các mức quà và lịch báo cáo",
        key=f"copy_{campaign.id}",
        question=f"Tạo đợt '{name}' năm {year} với các mức quà của đợt này và các ngày như bảng trên?",
        confirm="Tạo đợt mới",
        disabled=not (name or "").strip(),
    ):
        run_write(
            lambda s: copy_campaign(s, scope, campaign.id, name=name, year=year),
            f"Đã tạo đợt '{name}' từ '{campaign.name}'.",
        )


def package_form(campaign) -> None:
    with st.form("add_package", clear_on_submit=False):
        c1, c2, c3 = st.columns([1, 2, 1])
        source = c1.selectbox("Nguồn kinh phí", sources, format_func=lambda s: s.name, placeholder=CHOOSE_ONE)
        label = c2.text_input("Tên mức quà (ví dụ: Quà Chủ tịch nước – mức 600.000 đ)")
        amount = c3.text_input("Số tiền (đ)", key="package_amount")
        c4, c5, c6 = st.columns([2, 1, 1])
        chosen_categories = c4.multiselect(
            "Nhóm đối tượng", list(category_names), format_func=category_names.get, placeholder="Chọn nhóm"
        )
        ages_text = c5.text_input("Tuổi (ví dụ: 70, 75, 100+)")
        kind = c6.selectbox("Hình thức", list(PackageKind), format_func=labels.label, placeholder=CHOOSE_ONE)
        c7, c8, c9 = st.columns([2, 1, 1])
        chosen_wards = c7.multiselect(
            "Chỉ các phường/xã (để trống: tất cả)",
            list(ward_names),
            format_func=ward_names.get,
            placeholder="Chọn phường/xã",
        )
        budget_text = c8.text_input("Dự toán tối đa (đ, tùy chọn)")
        priority = c9.number_input("Thứ tự ưu tiên trong nguồn (1 = cao nhất)", 0, 99, 1)
        everyone = st.checkbox("Mọi đối tượng đang hưởng (không cần điều kiện nhóm, tuổi, phường/xã)")
        if st.form_submit_button("Lưu mức quà"):
            with shown_errors():
                ages, age_min = parse_ages(ages_text)
                rule = Rule(categories=chosen_categories, ages=ages, age_min=age_min, wards=chosen_wards)
                money, budget = parse_amount(amount), parse_amount(budget_text)
                run_write(
                    lambda s: add_package(
                        s,
                        scope,
                        campaign_id=campaign.id,
                        source_id=source.id,
                        label=label,
                        amount=money,
                        kind=kind,
                        rule=rule,
                        everyone=everyone,
                        budget=budget,
                        priority=int(priority),
                    ),
                    "Đã thêm mức quà.",
                )


def packages_table(packages) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Nguồn": p.source,
                    "Mức quà": p.label,
                    "Số tiền": format_money(p.amount),
                    "Hình thức": labels.label_of(PackageKind, p.kind),
                    "Ai được nhận": p.rule.describe(category_names, ward_names),
                    "Dự toán": format_money(p.budget),
                    "Ưu tiên": p.priority,
                }
                for p in packages
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def allocation_section(campaign) -> None:
    st.subheader("Phân bổ tự động")
    st.caption(
        "Áp quy tắc của các mức quà vào danh sách đối tượng. "
        "Chạy lại chỉ thêm người còn thiếu, không tạo trùng."
    )
    if scope.can_write and st.button("Xem trước phân bổ"):
        with read_session() as session:
            proposal = propose_allocations(session, scope, campaign.id)
            st.session_state["proposal"] = (campaign.id, proposal, proposal.by_ward_and_package(session))
    if not ((stored := st.session_state.get("proposal")) and stored[0] == campaign.id):
        return
    _, proposal, table = stored
    if not proposal.rows:
        st.success("Không còn ai đủ điều kiện mà chưa được phân bổ.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Phường/xã": t.ward,
                    "Nguồn": t.source,
                    "Mức quà": t.package,
                    "Số suất": format_count(t.count),
                    "Thành tiền": format_money(t.amount),
                }
                for t in table
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.write(f"Tổng: **{format_count(len(proposal.rows))} suất = {format_money(proposal.amount)}**")
    if proposal.over_budget:
        st.warning(f"{sum(proposal.over_budget.values())} người đủ điều kiện nhưng vượt dự toán của mức quà.")
    if proposal.locked_wards:
        st.info(
            f"🔒 Bỏ qua {format_count(len(proposal.locked_wards))} phường/xã đã được duyệt số liệu "
            "(không thêm quà cho đến khi mở khóa)."
        )
    if st.button("Ghi phân bổ", type="primary"):
        del st.session_state["proposal"]
        run_write(
            lambda s: apply_allocations(s, scope, campaign.id),
            lambda added: f"Đã phân bổ {format_count(added)} suất quà.",
        )


def review_section(campaign) -> None:
    with read_session() as session:
        missing = omissions(session, scope, campaign.id)
        ineligible = ineligible_allocations(session, scope, campaign.id)
        duplicates = cross_ward_duplicates(session, scope, campaign.id)
    st.markdown(f"**Đủ điều kiện nhưng chưa có quà: {format_count(len(missing))} người**")
    if missing:
        st.dataframe(
            pd.DataFrame(
                [
                    {"Phường/xã": m.ward, "Họ và tên": m.name, "Năm sinh": m.birth_year, "Mức quà": m.package}
                    for m in missing
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    st.markdown(
        f"**Có quà nhưng đã mất/chuyển đi/không còn đủ điều kiện: {format_count(len(ineligible))} suất**"
    )
    if ineligible:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Phường/xã": i.ward,
                        "Họ và tên": i.name,
                        "Tình trạng": labels.label_of(PersonStatus, i.status),
                        "Từ ngày": format_date(i.status_date),
                        "Mức quà": i.package,
                    }
                    for i in ineligible
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    st.markdown(f"**Trùng giữa các phường/xã: {format_count(len(duplicates))} trường hợp**")
    for dupe in duplicates:
        st.write(" · ".join(f"{name} ({ward})" for name, _id, ward in dupe.people))


def milestones_section(campaign) -> None:
    """The campaign's milestone reports (name, due date): every ward owes each one by its due date."""
    with read_session() as session:
        milestones = list_milestones(session, campaign.id)
    if milestones:
        st.dataframe(
            pd.DataFrame([{"Kỳ báo cáo": m.name, "Hạn nộp": format_date(m.due_date)} for m in milestones]),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("Chưa có kỳ báo cáo nào ngoài báo cáo hằng ngày.")
    if not scope.is_manager:
        return
    with st.form("add_milestone", clear_on_submit=True):
        c1, c2 = st.columns([3, 1])
        name = c1.text_input("Tên kỳ báo cáo", placeholder="Báo cáo nhanh trước Tết")
        due = c2.date_input("Hạn nộp", value=campaign.end_date or date.today(), format="DD/MM/YYYY")
        if st.form_submit_button("Thêm kỳ báo cáo"):
            run_write(
                lambda s: add_milestone(s, scope, campaign_id=campaign.id, name=name, due_date=due),
                f"Đã thêm kỳ báo cáo '{name}'.",
            )
    if milestones:
        chosen = st.selectbox(
            "Sửa hoặc xóa kỳ báo cáo", milestones, format_func=lambda m: m.name, placeholder=CHOOSE_ONE
        )
        with st.form(f"edit_milestone_{chosen.id}"):
            c1, c2 = st.columns([3, 1])
            new_name = c1.text_input("Tên mới", value=chosen.name)
            new_due = c2.date_input("Hạn nộp mới", value=chosen.due_date, format="DD/MM/YYYY")
            if st.form_submit_button("Lưu kỳ báo cáo"):
                run_write(
                    lambda s: update_milestone(s, scope, chosen.id, name=new_name, due_date=new_due),
                    "Đã lưu kỳ báo cáo.",
                )
        if confirm_button(
            "Xóa kỳ báo cáo này",
            key=f"delete_milestone_{chosen.id}",
            question=f"Xóa kỳ báo cáo '{chosen.name}'? (Chỉ xóa được khi chưa phường/xã nào chốt số liệu.)",
            confirm="Xóa",
        ):
            run_write(lambda s: delete_milestone(s, scope, chosen.id), f"Đã xóa kỳ báo cáo '{chosen.name}'.")


if scope.is_manager:
    with st.expander("Tạo đợt mới" if campaigns else "Tạo đợt tặng quà đầu tiên", expanded=not campaigns):
        new_campaign_form()
if not campaigns:
    st.info("Chưa có đợt tặng quà nào.")
    st.stop()

campaign = st.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name, placeholder=CHOOSE_ONE)
st.caption(
    f"{labels.label_of(CampaignKind, campaign.kind)} · năm {campaign.year} · "
    f"từ {format_date(campaign.start_date) or '…'} đến {format_date(campaign.end_date) or '…'} · "
    f"báo cáo {format_date(campaign.report_from) or '…'}–{format_date(campaign.report_to) or '…'}"
    + (f" trước {campaign.report_hour}:00" if campaign.report_hour is not None else "")
)
if notice := ended_notice(campaign, date.today()):
    st.warning(notice)
if scope.is_manager:
    with st.expander("Sửa ngày của đợt, kỳ báo cáo hằng ngày và giờ báo cáo"):
        dates_form(campaign)
    with st.expander("Sao chép đợt này thành đợt mới (ví dụ Tết năm sau)"):
        copy_section(campaign)

with st.expander("Lịch báo cáo: các kỳ báo cáo ngoài báo cáo hằng ngày"):
    milestones_section(campaign)

st.subheader("Mức quà theo nguồn kinh phí")
with read_session() as session:
    packages = list_packages(session, campaign.id)
if packages:
    packages_table(packages)
else:
    st.info("Đợt này chưa có mức quà nào.")
if scope.is_manager:
    with st.expander("Thêm mức quà"):
        package_form(campaign)
    if packages:
        with st.expander("Xóa mức quà (chỉ khi chưa phân bổ)"):
            doomed = st.selectbox(
                "Mức quà cần xóa", packages, format_func=lambda p: p.label, placeholder=CHOOSE_ONE
            )
            question = f"Xóa mức quà '{doomed.label}' ({format_money(doomed.amount)}) khỏi đợt này?"
            if confirm_button(
                "Xóa mức quà này", key=f"delete_package_{doomed.id}", question=question, confirm="Xóa"
            ):
                run_write(lambda s: delete_package(s, scope, doomed.id), f"Đã xóa mức quà '{doomed.label}'.")

allocation_section(campaign)
if scope.is_manager and campaign.status == CampaignStatus.OPEN:
    with st.expander("Kết thúc đợt (duyệt và khóa số liệu của mọi phường/xã)"):
        st.caption("Phường/xã nào có quà trong đợt mà chưa được duyệt sẽ được duyệt luôn.")
        if confirm_button(
            "Kết thúc đợt",
            key=f"close_{campaign.id}",
            question=f"Kết thúc đợt «{campaign.name}» và khóa số liệu của mọi phường/xã?",
            confirm="Kết thúc đợt",
        ):
            run_write(
                lambda s: close_campaign(s, scope, campaign.id),
                lambda n: f"Đã kết thúc đợt; duyệt thêm {format_count(n)} phường/xã.",
            )
with st.expander("Rà soát: bỏ sót, không còn đủ điều kiện, trùng giữa các phường/xã"):
    review_section(campaign)
