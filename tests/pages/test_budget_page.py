"""'Dự toán': a what-if change recomputes the totals; scenarios are saved and applied."""

from sqlalchemy import select

from data_layer.core.db import write_session
from data_layer.core.models import BudgetScenario
from tests.pages.conftest import app_as


def money(text: str) -> int:
    return int(text.replace(" đ", "").replace(".", ""))


def test_growth_changes_the_total_and_scenario_is_saved(demo_db):
    at = app_as("quan", "pages/budget.py").run()
    assert not at.exception
    base = money(at.metric[0].value)
    assert money(at.metric[1].value) == base
    editor = next(f.value for f in at.dataframe if "Số tiền/suất" in f.value.columns)
    assert "600.000" in set(editor["Số tiền/suất"])  # money in the editor as an office writes it
    assert any("làm tròn đến suất gần nhất" in c.value for c in at.caption)  # how +10% rounds
    at.number_input[0].set_value(10).run()
    assert money(at.metric[1].value) > base
    name_box = next(t for t in at.text_input if t.label == "Tên phương án")
    name_box.input("Tăng 10%").run()
    next(b for b in at.button if b.label == "Lưu phương án").click().run()
    assert any("Đã lưu phương án" in s.value for s in at.success)
    with write_session() as session:
        assert session.execute(select(BudgetScenario.name)).scalars().all() == ["Tăng 10%"]


def test_applying_a_scenario_shows_what_changes_before_writing(demo_db):
    from data_layer.campaigns.budget import Scenario, save_scenario
    from data_layer.core.access import Scope
    from data_layer.core.models import Package

    with write_session() as session:
        package = session.execute(select(Package).order_by(Package.id)).scalars().first()
        old_amount = package.amount
        save_scenario(
            session,
            Scope.system(),
            package.campaign_id,
            "Tăng một mức",
            Scenario(amounts={package.id: old_amount + 100_000}),
        )
    at = app_as("quan", "pages/budget.py").run()
    next(b for b in at.button if b.label == "Áp dụng").click().run()
    assert any("Áp dụng mức tiền của phương án 'Tăng một mức'" in w.value for w in at.warning)
    changes = at.dataframe[-1].value
    assert list(changes["Mức cũ"]) == [money_text(old_amount)] and list(changes["Mức mới"]) == [
        money_text(old_amount + 100_000)
    ]
    with write_session() as session:
        assert session.get(Package, package.id).amount == old_amount  # nothing written yet
    next(b for b in at.button if b.key and b.key.endswith("_yes")).click().run()  # the confirmation
    assert any("Đã áp dụng phương án 'Tăng một mức'" in s.value for s in at.success)
    with write_session() as session:
        assert session.get(Package, package.id).amount == old_amount + 100_000


def money_text(amount: int) -> str:
    from data_layer.vn.formatting import format_money

    return format_money(amount)
