"""The 'Nhập danh sách' page logic (AppTest); the upload itself is driven in tests/e2e."""

from tests.data_layer.workbooks import xlsx_bytes
from tests.pages.conftest import app_as, open_page


def test_ward_staff_can_choose_only_their_ward(demo_db):
    at = app_as("dongkinh", "pages/import_lists.py").run()
    assert not at.exception
    assert at.selectbox[0].options == ["Phường Đông Kinh"]


def test_district_staff_choose_any_ward_and_a_campaign(demo_db):
    at = app_as("quan", "pages/import_lists.py").run()
    assert len(at.selectbox[0].options) == 6
    assert "Tết Nguyên đán Bính Ngọ 2026" in at.selectbox[1].options
    assert at.selectbox[2].disabled  # the source is chosen only for a gift list
    at.selectbox[1].select_index(1).run()
    assert not at.selectbox[2].disabled


def test_viewer_cannot_import(demo_db):
    at = app_as("xem", "pages/import_lists.py").run()
    assert any("chỉ xem" in i.value for i in at.info)
    assert not at.selectbox


def test_a_committed_import_shows_its_card_and_the_recent_imports_without_an_error(demo_db):
    """The result card and 'Các lần nhập gần đây' both offer to undo the new batch: two buttons, one page,
    no duplicate widget key (Streamlit's English error box after every successful import)."""
    rows = [
        ["UBND PHƯỜNG ĐÔNG KINH"],
        ["DANH SÁCH NGƯỜI CAO TUỔI"],
        [],
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Tổ"],
        [1, "Bế Văn Một", 1950, "Nam", "Khối 1"],
        [2, "Ma Thị Hai", 1948, "Nữ", "Khối 2"],
    ]
    at = open_page("dongkinh", "pages/import_lists.py")  # the card links to Đối tượng
    at.file_uploader[0].upload("hai_nguoi.xlsx", xlsx_bytes(rows)).run()
    assert not at.exception
    at.button(key=next(b.key for b in at.button if b.label.startswith("Ghi 2 dòng"))).click().run()
    assert not at.exception, at.exception
    assert any("Đã ghi tệp hai_nguoi.xlsx" in s.value for s in at.success)
    undo_labels = [b.label for b in at.button if b.label.startswith("Hoàn tác")]
    assert undo_labels == ["Hoàn tác lần nhập này", "Hoàn tác"]


def test_the_preview_shows_its_notes_first_and_offers_lower_case_names_capitalised(demo_db):
    rows = [
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Tổ"],
        [1, "trần văn bình", 1950, "Nam", "Khối 1"],
        [2, "Ma Thị Hai", 1948, "Nữ", "Khối 2"],
    ]
    at = app_as("dongkinh", "pages/import_lists.py").run()
    at.file_uploader[0].upload("chu_thuong.xlsx", xlsx_bytes(rows)).run()
    assert not at.exception, at.exception
    preview = next(f.value for f in at.dataframe if "Ghi chú kiểm tra" in f.value.columns)
    assert list(preview.columns)[0] == "Ghi chú kiểm tra"  # never cut off at the right
    first = preview.iloc[0]
    assert first["Họ và tên"] == "Trần Văn Bình"
    assert "Tên viết thường 'trần văn bình': ghi là 'Trần Văn Bình'." in first["Ghi chú kiểm tra"]


def test_a_refused_file_leaves_no_reading_bar(demo_db):
    at = app_as("dongkinh", "pages/import_lists.py").run()
    at.file_uploader[0].upload("hong.xlsx", b"PK\x03\x04 not really a workbook").run()
    assert not at.exception, at.exception
    assert at.error  # the file is refused in Vietnamese
    assert not at.get("progress")  # and "Đang đọc tệp…" is gone


def test_an_old_list_of_a_split_commune_asks_per_hamlet_once(demo_db):
    """Vạn Hương (Đồ Sơn) was split in 2025: the page asks where each hamlet went, imports the rows of
    this ward's hamlets and remembers the answers (the embedded catalogue knows the split)."""
    from data_layer.core.access import Scope
    from data_layer.core.db import write_session
    from data_layer.registry.hamlet_placements import placements
    from data_layer.registry.wards import add_ward

    with write_session() as session:
        add_ward(session, Scope.system(), "11455", "Phường Đồ Sơn")
        add_ward(session, Scope.system(), "11737", "Phường Nam Đồ Sơn")
    rows = [
        ["UBND PHƯỜNG VẠN HƯƠNG"],
        ["DANH SÁCH NGƯỜI CAO TUỔI NĂM 2024"],
        [],
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Tổ"],
        [1, "Bế Văn Một", 1950, "Nam", "Tổ 1"],
        [2, "Ma Thị Hai", 1948, "Nữ", "Tổ 9"],
    ]
    at = open_page("admin", "pages/import_lists.py")
    at.selectbox[0].select("Phường Đồ Sơn").run()
    at.file_uploader[0].upload("van_huong.xlsx", xlsx_bytes(rows)).run()
    assert not at.exception, at.exception
    assert any("Vạn Hương cũ đã được chia" in w.value for w in at.warning)
    tổ_1 = next(s for s in at.selectbox if s.label == "Tổ 1")
    tổ_1.select("11455").run()
    next(s for s in at.selectbox if s.label == "Tổ 9").select("11737").run()
    assert not at.exception, at.exception
    at.button(key=next(b.key for b in at.button if b.label.startswith("Ghi 1 dòng"))).click().run()
    assert not at.exception, at.exception
    with write_session() as session:
        assert placements(session, "11461") == {"to 1": "11455", "to 9": "11737"}
