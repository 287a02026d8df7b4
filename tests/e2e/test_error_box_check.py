"""The check that ends every browser step finds both kinds of error box, and nothing on a sound page."""

from tests.e2e.conftest import error_boxes

APOLOGY = "Đã xảy ra lỗi, mã tham chiếu 7f3a. Đây là lỗi của phần mềm, không phải do dữ liệu của bạn."


def test_the_error_box_check_finds_streamlits_box_and_an_sinhs_apology(page):
    page.set_content("<main><h1>Tiến độ</h1><p>Không có lỗi nào.</p></main>")
    assert error_boxes(page) == []
    page.set_content('<main><div data-testid="stException">ValueError: boom</div></main>')
    assert error_boxes(page) == ["ValueError: boom"]
    spaced = APOLOGY.replace("mã tham chiếu", "Mã Tham\n   chiếu")  # any case, any white space
    page.set_content(f"<main><div role='alert'><p>{spaced}</p></div></main>")
    assert error_boxes(page) == [APOLOGY.replace("mã tham chiếu", "Mã Tham chiếu")]
    page.set_content("<main><p>This app has encountered an error.</p></main>")
    assert error_boxes(page) == ["This app has encountered an error."]
