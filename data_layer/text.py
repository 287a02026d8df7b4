# TEMPORARY (replaced by the helper's module)
import unicodedata


def normalize_text(v):
    if v is None:
        return None
    v = " ".join(unicodedata.normalize("NFC", v).split())
    return v or None


def fold(v):
    v = (v or "").replace("đ", "d").replace("Đ", "D")
    return " ".join(
        "".join(c for c in unicodedata.normalize("NFD", v) if not unicodedata.combining(c)).lower().split()
    )


def detect_legacy(texts):
    return None


def fix_legacy(s, encoding, upper=False):
    return s
