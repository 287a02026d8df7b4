"""'Tiến độ' shows the same figures as the data layer, and fresh ones after a write."""

from datetime import date

from data_layer.access import Scope
from data_layer.db import session_scope
from data_layer.delivery import allocation_rows, mark_delivered
from data_layer.reference import list_campaigns
from tests.pages.conftest import app_as


def test_headline_follows_writes(demo_db):
    at = app_as("quan", "pages/progress.py").run()
    assert not at.exception
    before = at.metric[1].value
    with session_scope() as session:
        campaign = list_campaigns(session)[0]
        pending = allocation_rows(session, Scope.system(), campaign.id, status="planned")
        mark_delivered(session, Scope.system(), [r["id"] for r in pending[:5]], on=date(2026, 2, 5))
    at.run()
    after = at.metric[1].value
    assert int(after.split()[0].replace(".", "")) == int(before.split()[0].replace(".", "")) + 5
