"""Tiến độ: where each ward stands in a gift campaign and in a rice relief round, and the registry's data
quality."""

from dataclasses import asdict

import altair as alt
import pandas as pd
import streamlit as st

from data_layer.campaigns.setup import list_campaigns, list_packages
from data_layer.core.access import Scope
from data_layer.core.codes import Problem
from data_layer.core.db import read_session
from data_layer.core.versioning import data_version
from data_layer.relief.rounds import list_rounds
from data_layer.reports.progress import CASHLESS_TARGET, campaign_progress, category_counts, registry_quality
from data_layer.vn import labels
from data_layer.vn.formatting import format_count, format_money, format_percent
from ui.relief_progress import relief_progress
from ui.session import require_scope
from ui.widgets import CHOOSE_ONE, figure, money_axis

scope = require_scope()
st.title("Tiến độ")


@st.cache_data(show_spinner=False, max_entries=64)
def cached(kind: str, scope: Scope, version: int, campaign_id=None, source_id=None, package_id=None):
    """Aggregates keyed by the data version: any write anywhere makes the next read fresh."""
    with read_session() as session:
        if kind == "progress":
            return campaign_progress(session, scope, campaign_id, source_id=source_id, package_id=package_id)
        if kind == "quality":
            return registry_quality(session, scope)
        return category_counts(session, scope)


with read_session() as session:
    campaigns = list_campaigns(session)
    rounds = list_rounds(session)
    version = data_version(session)


def campaign_section() -> None:
    """Where each ward stands in the chosen gift campaign."""
    if not campaigns:
        st.info("Chưa có đợt tặng quà nào.")
        return

    c1, c2, c3 = st.columns([3, 2, 3])
    campaign = c1.selectbox("Đợt tặng quà", campaigns, format_func=lambda c: c.name, placeholder=CHOOSE_ONE)
    with read_session() as session:
        packages = list_packages(session, campaign.id)
    source_names = {p.source_id: p.source for p in packages}
    source_id = c2.selectbox(
        "Nguồn kinh phí",
        [None, *source_names],
        format_func=lambda sid: "Tất cả" if sid is None else source_names[sid],
        placeholder=CHOOSE_ONE,
    )
    package_options = {
        p.id: f"{p.label} ({format_money(p.amount)})" for p in packages if source_id in (None, p.source_id)
    }
    package_id = c3.selectbox(
        "Mức quà",
        [None, *package_options],
        format_func=lambda pid: "Tất cả" if pid is None else package_options[pid],
        placeholder=CHOOSE_ONE,
    )
    progress = cached("progress", scope, version, campaign.id, source_id, package_id)
    total = progress.total

    m = st.columns(5)
    figure(m[0], "Kế hoạch", f"{format_count(total.planned)} suất", format_money(total.planned_amount))
    figure(m[1], "Đã phát", f"{format_count(total.delivered)} suất", format_money(total.delivered_amount))
    figure(m[2], "Tỷ lệ", format_percent(total.percent))
    figure(
        m[3],
        "Còn lại",
        f"{format_count(total.planned - total.delivered)} suất",
        format_money(total.planned_amount - total.delivered_amount),
    )
    figure(
        m[4], "Quà tập thể", f"{format_count(progress.lump_count)} suất", format_money(progress.lump_amount)
    )

    if not progress.wards:
        st.info(
            "Không có suất quà nào theo nguồn/mức quà đã chọn."
            if source_id or package_id
            else "Đợt này chưa có suất quà nào được phân bổ."
        )
    else:
        if progress.expected_percent is not None:
            behind = [w.label for w in progress.wards if w.behind]
            st.caption(
                f"Theo kỳ báo cáo, đến hôm nay cần đạt khoảng {progress.expected_percent:.0f}%."
                + (f" Chậm tiến độ: {', '.join(behind)}." if behind else "")
            )
        wards = pd.DataFrame([{**asdict(w), "percent": w.percent} for w in progress.wards])
        wards["Tình trạng"] = wards["behind"].map({True: "Chậm tiến độ", False: "Đúng tiến độ"})
        long = wards.melt(
            id_vars=["label", "percent", "Tình trạng"],
            value_vars=["planned", "delivered"],
            var_name="loại",
            value_name="suất",
        )
        long["loại"] = long["loại"].map({"planned": "Kế hoạch", "delivered": "Đã phát"})
        order = wards["label"].tolist()
        unit = progress.unit_title  # a commune office watches its hamlets, others their communes
        chart = (
            alt.Chart(long)
            .mark_bar()
            .encode(
                y=alt.Y("label:N", sort=order, title=unit, axis=alt.Axis(labelLimit=0)),
                x=alt.X("suất:Q", title="Số suất"),
                yOffset="loại:N",
                color=alt.Color("loại:N", title=""),
                tooltip=[
                    alt.Tooltip("label:N", title=unit),
                    alt.Tooltip("loại:N", title="Loại"),
                    alt.Tooltip("suất:Q", title="Số suất"),
                    alt.Tooltip("percent:Q", title="Tỷ lệ (%)", format=".1f"),
                ],
            )
        )
        st.subheader(f"Kế hoạch và đã phát theo {unit.lower()} (ít hoàn thành nhất ở trên)")
        st.altair_chart(chart, width="stretch")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        unit: w.label,
                        "Kế hoạch": format_count(w.planned),
                        "Tiền kế hoạch": format_money(w.planned_amount),
                        "Đã phát": format_count(w.delivered),
                        "Tiền đã phát": format_money(w.delivered_amount),
                        "%": format_percent(w.percent),
                        "Tình trạng": "Chậm tiến độ" if w.behind else "",
                    }
                    for w in progress.wards
                ]
            ),
            hide_index=True,
            width="stretch",
        )

        c1, c2 = st.columns(2)
        for column, key, title in ((c1, "sources", "Theo nguồn kinh phí"), (c2, "packages", "Theo mức quà")):
            frame = pd.DataFrame(
                [{**asdict(line), "percent": line.percent} for line in getattr(progress, key)]
            )
            column.subheader(title)
            column.altair_chart(
                alt.Chart(frame)
                .mark_bar()
                .encode(
                    x=alt.X("planned_amount:Q", axis=money_axis("Tiền kế hoạch (đ)")),
                    # whole labels: two packages of one source ("Quà Chủ tịch nước – mức 600.000đ" and
                    # "– mức 300.000đ") are told apart by the end that a cut label would lose
                    y=alt.Y("label:N", title="", axis=alt.Axis(labelLimit=0)),
                    tooltip=[
                        alt.Tooltip("label:N", title=title),
                        alt.Tooltip("planned:Q", title="Kế hoạch (suất)"),
                        alt.Tooltip("delivered:Q", title="Đã phát (suất)"),
                        alt.Tooltip("percent:Q", title="Tỷ lệ (%)", format=".1f"),
                    ],
                ),
                width="stretch",
            )

        if progress.per_day:
            daily = (
                pd.DataFrame([asdict(d) for d in progress.per_day])
                .groupby("day", as_index=False)["count"]
                .sum()
            )
            daily["Lũy kế"] = daily["count"].cumsum()
            daily["day"] = pd.to_datetime(daily["day"])
            st.subheader("Số suất đã phát lũy kế theo ngày")
            st.altair_chart(
                alt.Chart(daily)
                .mark_line(point=True)
                .encode(
                    x=alt.X("day:T", title="Ngày", axis=alt.Axis(format="%d/%m", tickCount="day")),
                    y=alt.Y("Lũy kế:Q", title="Suất"),
                    tooltip=[
                        alt.Tooltip("day:T", title="Ngày", format="%d/%m/%Y"),
                        alt.Tooltip("Lũy kế:Q"),
                    ],
                ),
                width="stretch",
            )


campaign_section()
if rounds:
    st.divider()
    st.subheader("Cứu trợ gạo")
    relief = st.columns([3, 2])[0].selectbox(
        "Đợt cứu trợ gạo", rounds, format_func=lambda r: r.name, placeholder=CHOOSE_ONE
    )
    relief_progress(scope, relief.id, key="progress")

st.divider()
st.subheader("Chất lượng dữ liệu: Đúng, Đủ, Sạch, Sống")
quality = cached("quality", scope, version)
if quality:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Phường/xã": q.ward,
                    "Số người": q.people,
                    **{labels.label(problem): getattr(q, problem) for problem in Problem},
                    "Nhận qua tài khoản": format_percent(100 * q.cashless_share),
                    f"Đạt mục tiêu {CASHLESS_TARGET:.0%}": "Đạt"
                    if q.cashless_share >= CASHLESS_TARGET
                    else "Chưa đạt",
                }
                for q in quality
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption("Bấm vào một loại lỗi để mở danh sách những người đó ở trang Đối tượng và sửa.")
    wards_with_people = {q.ward_id: q.ward for q in quality}
    ward_id = st.columns([1, 2])[0].selectbox(
        "Phường/xã",
        [None, *wards_with_people] if len(quality) > 1 else list(wards_with_people),
        format_func=lambda w: "Tất cả" if w is None else wards_with_people[w],
        key="quality_ward",
        placeholder=CHOOSE_ONE,
    )
    links = st.columns(3)
    for index, problem in enumerate(Problem):
        count = sum(getattr(q, problem) for q in quality if ward_id in (None, q.ward_id))
        links[index % 3].page_link(
            "pages/beneficiaries.py",
            label=f"{labels.label(problem)}: {format_count(count)}",
            icon=":material/filter_alt:",
            query_params={"problem": str(problem)} | ({"ward": str(ward_id)} if ward_id else {}),
            disabled=count == 0,
        )
counts = cached("categories", scope, version)
if counts:
    st.subheader("Đối tượng đang hưởng theo nhóm và phường/xã")
    st.altair_chart(
        alt.Chart(pd.DataFrame([asdict(c) for c in counts]))
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="Số người"),
            y=alt.Y("ward:N", title="", axis=alt.Axis(labelLimit=0)),
            color=alt.Color(
                "category:N", title="Nhóm", legend=alt.Legend(orient="bottom", columns=2, labelLimit=0)
            ),
            tooltip=[
                alt.Tooltip("ward:N", title="Phường/xã"),
                alt.Tooltip("category:N", title="Nhóm đối tượng"),
                alt.Tooltip("count:Q", title="Số người"),
            ],
        ),
        width="stretch",
    )
