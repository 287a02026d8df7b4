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
    at.number_input[0].set_value(10).run()
    assert money(at.metric[1].value) > base
    name_box = next(t for t in at.text_input if t.label == "Tên phương án")
    name_box.input("Tăng 10%").run()
    next(b for b in at.button if b.label == "Lưu phương án").click().run()
    assert any("Đã lưu phương án" in s.value for s in at.success)
    with write_session() as session:
        assert session.execute(select(BudgetScenario.name)).scalars().all() == ["Tăng 10%"]
