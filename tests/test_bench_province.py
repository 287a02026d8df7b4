"""The province benchmark's generator (bench.province_progress) fills its volume through the bulk
paths: the running totals it leaves must be exactly what the triggers keep in the app."""

from __future__ import annotations

from sqlalchemy import func, select

from bench import province_progress
from data_layer.core import tallies
from data_layer.core.db import read_session
from data_layer.core.models import Allocation, Beneficiary, Hamlet, HamletTally, Ward


def test_the_generated_province_holds_its_sizes_and_tallies_equal_to_a_recount(engine):
    url = engine.url.render_as_string(hide_password=False)
    province_progress.build(url, communes=3, units=12, people=90, allocations=300)
    with read_session(engine) as session:
        count = {
            model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Ward, Hamlet, Beneficiary, Allocation)
        }
        hamlet_gifts = session.execute(select(func.sum(HamletTally.gifts))).scalar_one()
    assert count == {"Ward": 3, "Hamlet": 9, "Beneficiary": 90, "Allocation": 300}
    assert hamlet_gifts == 300  # every gift is in its person's ward
    with engine.connect() as conn:
        assert tallies.check(conn) == []
