"""Vietnamese in place of the English texts Streamlit draws itself (the file upload box), and small
layout rules shared by every page. Injected once per run by app.py."""

from __future__ import annotations

import streamlit as st

from data_layer.core.settings import get_settings


def vietnamese_widgets() -> None:
    """Replace the upload box's "Upload" button and "20MB per file • XLSX…" line with Vietnamese, and
    hide the "Press Enter to submit form" hint under text boxes."""
    limit = get_settings().max_upload_mb
    st.html(
        f"""<style>
        [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{
            display: none; }}
        [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{
            content: "Chọn tệp"; }}
        [data-testid="InputInstructions"] {{ display: none; }}
        [data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
        [data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
            content: "Kéo thả tệp vào đây, hoặc bấm Chọn tệp (tối đa {limit} MB mỗi tệp)";
            font-size: 0.875rem; }}
        </style>"""
    )
