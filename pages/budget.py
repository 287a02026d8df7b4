"""Dự toán: try gift levels against budgets on aggregated counts; save, compare, export, apply."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from data_layer.campaigns.approval import approved_ward_ids
from data_layer.campaigns.budget import (
    Scenario,
    apply_scenario,
    baseline,
    compute,
    list_scenarios,
    save_scenario,
    scenario_changes,
    source_caps,
)
from data_layer.campaigns.setup import list_campaigns
from data_layer.core.db import read_session
from data_layer.core.errors import UserError
from data_layer.core.versioning import data_version
from data_layer.registry.catalog import list_sources
from data_layer.reports.file_names import report_file_name
from data_layer.reports.scenario_sheet import scenario_xlsx
from data_layer.vn.formatting import format_count, format_money
from data_layer.vn.values import parse_amount
from ui.downloads import xlsx_download
from ui.feedback import confirm_button, run_write, show_flash, shown_errors
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE, figure, money_axis

scope = require_scope()
st.title("Dự toán")
show_flash()

with read_session() as session:
    campaigns = list_campaigns(session)
    sources = list_sources(session)
source_names = {s.code: s.name for s in sources}
if not campaigns:
    st.info("Chưa có đợt tặng quà nào.")
    st.stop()
campaign = st.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name, placeholder=CHOOSE_ONE)


@st.cache_data(show_spinner="Đang đếm số suất…", max_entries=16)
def load_baseline(scope, campaign_id: int, version: int):
    """Counts per package and ward, re-read whenever the data version changes."""
    with read_session() as session:
        return baseline(session, scope, campaign_id), source_caps(session, scope, campaign_id)


with read_session() as session:
    version = data_version(session)
lines, default_caps = load_baseline(scope, campaign.id, version)
if not lines:
    st.info("Đợt này chưa có mức quà nào.")
    st.stop()

st.caption("Sửa mức tiền, bỏ mức quà, thêm mức mới hoặc tăng số người: tổng được tính lại ngay.")
editor = st.data_editor(
    pd.DataFrame(
        [
            {
                "Giữ": True,
                "Nguồn": line.source_name,
                "Mức quà": line.label,
                "Số suất": format_count(line.count),
                "Số tiền/suất": format_count(line.amount),  # typed as 600.000, read by parse_amount
            }
            for line in lines
        ]
    ),
    disabled=["Nguồn", "Mức quà", "Số suất"],
    hide_index=True,
    width="stretch",
    key=f"budget_{campaign.id}",
    column_config={"Số tiền/suất": st.column_config.TextColumn(help="Ghi số đồng, ví dụ 600.000")},
)
c1, c2 = st.columns(2)
growth = c1.number_input("Tăng/giảm số người (%)", -100, 500, 0, step=1)
c1.caption(
    "Số suất của từng mức quà ở từng phường/xã được nhân lên rồi làm tròn đến suất gần nhất "
    "(từ nửa suất trở lên làm tròn lên), nên mỗi mức quà tăng không đều và tổng có thể lệch vài suất "
    "so với nhân thẳng tổng số."
)
caps = {}
with c2.expander("Trần dự toán theo nguồn (đ)"):
    for code, source_name in dict.fromkeys((line.source, line.source_name) for line in lines):
        text = st.text_input(
            source_name, value=str(default_caps.get(code, "")), key=f"cap_{campaign.id}_{code}"
        )
        with shown_errors():
            if (cap := parse_amount(text)) is not None:
                caps[code] = cap
added = st.session_state.setdefault(f"added_{campaign.id}", [])
with st.expander("Thêm mức quà giả định"):
    with st.form("add_line", clear_on_submit=True):
        a1, a2, a3, a4 = st.columns(4)
        source = a1.selectbox("Nguồn", sources, format_func=lambda s: s.name, placeholder=CHOOSE_ONE)
        label = a2.text_input("Tên mức quà")
        amount = a3.text_input("Số tiền/suất")
        count = a4.number_input("Số suất", 0, 10_000_000, 0)
        if st.form_submit_button("Thêm vào phương án"):
            with shown_errors():
                added.append(
                    {
                        "source": source.code,
                        "label": label or "Mức mới",
                        "amount": parse_amount(amount) or 0,
                        "count": int(count),
                    }
                )

typed = {}
for line, (_, row) in zip(lines, editor.iterrows(), strict=True):
    try:
        typed[line.package_id] = parse_amount(row["Số tiền/suất"]) or 0
    except UserError as exc:
        st.error(f"Mức quà '{line.label}', cột 'Số tiền/suất': {exc}")
        typed[line.package_id] = line.amount
scenario = Scenario(
    amounts={
        line.package_id: typed[line.package_id] for line in lines if typed[line.package_id] != line.amount
    },
    removed=[
        line.package_id for line, (_, row) in zip(lines, editor.iterrows(), strict=True) if not row["Giữ"]
    ],
    added=list(added),
    growth_percent=int(growth),
    caps=caps,
)
before, after = compute(lines, Scenario(caps=caps)), compute(lines, scenario)

m = st.columns(3)
figure(m[0], "Tổng hiện tại", format_money(before["total"]), f"{format_count(before['total_count'])} suất")
figure(
    m[1], "Tổng theo phương án", format_money(after["total"]), f"{format_count(after['total_count'])} suất"
)
figure(m[2], "Chênh lệch", format_money(after["total"] - before["total"]))
st.dataframe(
    pd.DataFrame(
        [
            {
                "Nguồn": source_names.get(s["source"], s["source"]),
                "Số suất": format_count(s["count"]),
                "Thành tiền": format_money(s["total"]),
                "Trần dự toán": format_money(s["cap"]),
                "Vượt trần": format_money(s["over"]) if (s["over"] or 0) > 0 else "",
            }
            for s in after["sources"]
        ]
    ).style.apply(lambda row: ["background-color: #fde2e1" if row["Vượt trần"] else "" for _ in row], axis=1),
    hide_index=True,
    width="stretch",
)
chart = pd.DataFrame(
    [
        {"Nguồn": source_names.get(s["source"]), "Phương án": "Hiện tại", "Tiền": s["total"]}
        for s in before["sources"]
    ]
    + [
        {"Nguồn": source_names.get(s["source"]), "Phương án": "Phương án", "Tiền": s["total"]}
        for s in after["sources"]
    ]
)
st.altair_chart(
    alt.Chart(chart)
    .mark_bar()
    .encode(
        x=alt.X("Tiền:Q", axis=money_axis("đồng")),
        y=alt.Y("Nguồn:N"),
        yOffset="Phương án:N",
        color="Phương án:N",
    ),
    width="stretch",
)
with st.expander("Theo phường/xã"):
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Phường/xã": w["ward"],
                    "Số suất": format_count(w["count"]),
                    "Thành tiền": format_money(w["total"]),
                }
                for w in after["wards"]
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def show_changes(stored) -> None:
    """What applying a scenario writes: amounts per package and the gifts they reach."""
    with shown_errors(), read_session() as session:
        changes = scenario_changes(session, scope, campaign.id, Scenario.from_json(stored.content))
        if not changes:
            st.info("Phương án không đổi mức tiền nào của đợt.")
            return
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Mức quà": c.label,
                        "Mức cũ": format_money(c.old),
                        "Mức mới": format_money(c.new),
                        "Suất chưa phát (theo mức mới)": format_count(c.planned_gifts),
                        "Suất đã phát (giữ mức cũ)": format_count(c.delivered_gifts),
                    }
                    for c in changes
                ]
            ),
            hide_index=True,
            width="stretch",
        )


st.subheader("Lưu, so sánh, xuất, áp dụng")
s1, s2 = st.columns([3, 1])
name = s1.text_input("Tên phương án")
if scope.can_write and s2.button("Lưu phương án"):
    run_write(lambda s: save_scenario(s, scope, campaign.id, name, scenario), f"Đã lưu phương án '{name}'.")
xlsx_download(
    "Tải phương án (.xlsx)",
    lambda: scenario_xlsx(name or "Phương án", after, source_names),
    report_file_name("du_toan", f"{campaign.name} {name}", date.today()),
)
with read_session() as session:
    saved = list_scenarios(session, campaign.id)
if len(saved) >= 1:
    chosen = st.multiselect(
        "So sánh các phương án đã lưu",
        saved,
        format_func=lambda s: s.name,
        max_selections=2,
        placeholder="Chọn tối đa 2 phương án",
    )
    if chosen:
        cols = st.columns(len(chosen))
        for column, stored in zip(cols, chosen, strict=True):
            result = compute(lines, Scenario.from_json(stored.content))
            column.markdown(
                f"**{stored.name}**: {format_count(result['total_count'])} suất = "
                f"{format_money(result['total'])}"
            )
            column.dataframe(
                pd.DataFrame(
                    [
                        {"Nguồn": source_names.get(s["source"]), "Thành tiền": format_money(s["total"])}
                        for s in result["sources"]
                    ]
                ),
                hide_index=True,
            )
    if scope.is_manager:
        with read_session() as session:
            approved = len(approved_ward_ids(session, campaign.id))
        if approved:
            st.caption(
                f"🔒 {format_count(approved)} phường/xã đã được duyệt số liệu: phương án làm thay đổi quà "
                "của các phường/xã này sẽ bị từ chối cho đến khi mở khóa."
            )
        target = st.selectbox(
            "Áp dụng mức tiền của phương án vào đợt",
            saved,
            format_func=lambda s: s.name,
            placeholder=CHOOSE_ONE,
        )
        question = f"Áp dụng mức tiền của phương án '{target.name}' vào các mức quà của đợt?"
        if confirm_button(
            "Áp dụng",
            key=f"apply_{target.id}",
            question=question,
            confirm="Áp dụng",
            details=lambda: show_changes(target),
        ):
            run_write(
                lambda s: apply_scenario(s, scope, campaign.id, Scenario.from_json(target.content)),
                f"Đã áp dụng phương án '{target.name}' vào các mức quà.",
            )
