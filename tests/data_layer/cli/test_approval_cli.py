"""`ansinh campaign approve/unlock` (exact words): while a ward is approved, `lump add` and a gift-list
`import --campaign` for it exit non-zero with the Vietnamese reason and write nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from data_layer.core.db import get_engine, read_session
from data_layer.core.models import Allocation, AuditEvent, LumpGift
from tests.data_layer.cli.test_cli import run
from tests.data_layer.workbooks import ward_list, write, xlsx_bytes

ROWS = [[1, "Nguyễn Văn An", "1950", "Nam", "020050001234", "Khối 1", "Thương binh", "600.000"]]


def _lump(capsys, ward: str, campaign: str = "Tết 2026"):
    return run(
        capsys,
        "lump",
        "add",
        "--campaign",
        campaign,
        "--ward",
        ward,
        "--source",
        "XHH",
        "--count",
        "5",
        "--amount",
        "500.000",
    )


def _import(capsys, path, ward: str, campaign: str = "Tết 2026"):
    return run(
        capsys, "import", str(path), "--ward", ward, "--campaign", campaign, "--source", "TW", "--json"
    )


def _gifts(db_url) -> tuple[int, int]:
    with read_session(get_engine(db_url)) as session:
        return (
            session.execute(select(func.count()).select_from(Allocation)).scalar_one(),
            session.execute(select(func.count()).select_from(LumpGift)).scalar_one(),
        )


def test_approved_ward_refuses_lumps_and_gift_imports_until_unlocked(capsys, db_url, tmp_path):
    for code, name in (("DK", "Phường Đông Kinh"), ("CL", "Phường Chi Lăng")):
        run(capsys, "ward", "add", code, name)
    for name, year in (("Tết 2026", "2026"), ("Tết 2027", "2027")):
        run(capsys, "campaign", "add", name, "--year", year)
    path = write(tmp_path, "qua.xlsx", xlsx_bytes(ward_list(ROWS)))
    assert _import(capsys, path, "DK")[0] == 0

    code, out, _ = run(capsys, "campaign", "approve", "--campaign", "Tết 2026", "--ward", "DK")
    assert code == 0 and "Đã duyệt" in out and "Phường Đông Kinh" in out
    before = _gifts(db_url)
    for attempt in (_lump(capsys, "DK"), _import(capsys, path, "DK")):
        code, out, err = attempt
        assert code != 0 and out == ""
        assert "Phường Đông Kinh" in err and "Tết 2026" in err and "duyệt" in err and "Traceback" not in err
    assert _gifts(db_url) == before

    assert _lump(capsys, "CL")[0] == 0  # another ward
    assert _lump(capsys, "DK", "Tết 2027")[0] == 0  # another campaign
    code, out, _ = _import(capsys, path, "CL")
    assert code == 0 and json.loads(out)["allocations_created"] == 1

    code, _, err = run(capsys, "campaign", "approve", "--campaign", "Tết 2026", "--ward", "DK")
    assert code != 0 and "đã được duyệt rồi" in err
    with pytest.raises(SystemExit) as usage:  # the reason is required by the command itself
        run(capsys, "campaign", "unlock", "--campaign", "Tết 2026", "--ward", "DK")
    assert usage.value.code == 2 and "thiếu --reason" in capsys.readouterr().err
    code, out, _ = run(
        capsys, "campaign", "unlock", "--campaign", "Tết 2026", "--ward", "DK", "--reason", "Bổ sung quà hội"
    )
    assert code == 0 and "Đã mở khóa" in out
    assert _lump(capsys, "DK")[0] == 0
    with read_session(get_engine(db_url)) as session:
        reasons = session.execute(select(AuditEvent.new).where(AuditEvent.action == "unlock")).scalars().all()
    assert reasons == ["Bổ sung quà hội"]
