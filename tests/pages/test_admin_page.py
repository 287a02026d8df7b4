"""Quản trị: what the administrator reads about the database itself."""

from __future__ import annotations

import re

from data_layer.cli import main as ansinh
from tests.pages.conftest import app_as


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_admin_page_shows_the_last_backup_made_through_the_cli(demo_db, tmp_path, capsys):
    at = app_as("admin", "pages/admin.py").run()
    assert not at.exception
    assert "Chưa có bản sao lưu nào được ghi nhận" in captions(at)

    assert ansinh(["db", "backup", "--out", str(tmp_path / "ansinh-0312.bak")]) == 0
    capsys.readouterr()
    at = app_as("admin", "pages/admin.py").run()
    shown = captions(at)
    made = r"\d\d/\d\d/\d{4} \d\d:\d\d"
    assert re.search(rf"Sao lưu gần nhất: {made} \(tệp ansinh-0312\.bak, [\d,]+ (KB|MB)\)", shown)


def test_admin_page_shows_the_last_seal_verification(demo_db, capsys):
    at = app_as("admin", "pages/admin.py").run()
    assert "Chưa kiểm tra chuỗi niêm phong lần nào" in captions(at)
    assert ansinh(["db", "verify"]) == 0
    capsys.readouterr()
    at = app_as("admin", "pages/admin.py").run()
    assert not at.exception
    assert re.search(
        r"Kiểm tra niêm phong gần nhất: \d\d/\d\d/\d{4} \d\d:\d\d, khớp \([\d.]+ mắt xích\)", captions(at)
    )


def _hamlet_tab(at, ward_name: str):
    box = next(b for b in at.selectbox if b.key == "hamlet_ward")
    return box.select(next(w for w in box.options if w == ward_name)).run()


def test_admin_merges_two_spellings_of_one_hamlet(demo_db):
    """Đông Kinh has 'Khối 1' and, from a list typed another way, 'K. 1' (two people): the admin merges
    them; the people carry the kept name and the merged spelling is no longer listed."""
    from sqlalchemy import select, update

    from data_layer.core.db import read_session, write_session
    from data_layer.core.models import Beneficiary, Ward
    from data_layer.registry.hamlets import ensure_hamlets

    with write_session() as session:
        dk = session.execute(select(Ward.id).where(Ward.code == "DK")).scalar_one()
        ensure_hamlets(session, dk, ["K. 1"])
        two = session.execute(
            select(Beneficiary.id).where(Beneficiary.ward_id == dk, Beneficiary.hamlet == "Khối 2").limit(2)
        ).scalars()
        session.execute(update(Beneficiary).where(Beneficiary.id.in_(list(two))).values(hamlet="K. 1"))
        before = session.execute(
            select(Beneficiary.id).where(Beneficiary.ward_id == dk, Beneficiary.hamlet == "Khối 1")
        ).all()
    at = _hamlet_tab(app_as("admin", "pages/admin.py").run(), "Phường Đông Kinh")
    assert not at.exception
    grid = next(d.value for d in at.dataframe if "Thôn/tổ" in d.value.columns)
    assert dict(zip(grid["Thôn/tổ"], grid["Số người"], strict=True))["K. 1"] == "2"
    next(b for b in at.selectbox if b.key == "merge_keep").select("Khối 1")
    next(b for b in at.selectbox if b.key == "merge_gone").select("K. 1")
    next(c for c in at.checkbox if c.key == "merge_sure").check()
    at.button[[b.label for b in at.button].index("Gộp thôn/tổ")].click().run()
    assert not at.exception and not at.error
    assert "Đã gộp K. 1 vào Khối 1: 2 người được chuyển." in [s.value for s in at.success]
    with read_session() as session:
        after = session.execute(
            select(Beneficiary.id).where(Beneficiary.ward_id == dk, Beneficiary.hamlet == "Khối 1")
        ).all()
        assert len(after) == len(before) + 2
    at = _hamlet_tab(at, "Phường Đông Kinh")
    grid = next(d.value for d in at.dataframe if "Thôn/tổ" in d.value.columns)
    assert "K. 1" not in list(grid["Thôn/tổ"])


def test_admin_changes_where_a_hamlet_of_a_split_old_commune_went(demo_db):
    """A list of old Phường Vạn Hương placed its Tổ 3 in Phường Đồ Sơn; the admin sees the answer and
    changes it to Phường Nam Đồ Sơn (the other unit Vạn Hương went into); later lists follow."""
    from data_layer.core.access import Scope
    from data_layer.core.db import read_session, write_session
    from data_layer.registry.hamlet_placements import place_hamlet, placements

    with write_session() as session:
        place_hamlet(session, Scope.system(), "11461", "Tổ 3", "11455")
    at = app_as("admin", "pages/admin.py").run()
    assert not at.exception
    grid = next(d.value for d in at.dataframe if "Phường/xã cũ" in d.value.columns)
    assert list(grid.iloc[0][["Phường/xã cũ", "Thôn/tổ", "Nay thuộc"]]) == [
        "Phường Vạn Hương (11461)",
        "Tổ 3",
        "Phường Đồ Sơn (11455)",
    ]
    new = next(b for b in at.selectbox if b.label == "Nay thuộc")
    assert new.options == ["Phường Đồ Sơn (11455)", "Phường Nam Đồ Sơn (11737)"]
    new.select("11737").run()
    next(b for b in at.button if b.label == "Lưu nơi đã về").click().run()
    assert not at.exception and not at.error
    saved = "Đã ghi: Tổ 3 của Phường Vạn Hương cũ nay thuộc Phường Nam Đồ Sơn."
    assert saved in [s.value for s in at.success]
    with read_session() as session:
        assert placements(session, "11461") == {"to 3": "11737"}
