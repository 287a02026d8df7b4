# TEMPORARY (replaced by the helper's module)
def format_money(amount):
    return "" if amount is None else f"{amount:,} đ".replace(",", ".")


def format_count(value: int | None) -> str:
    """An integer with '.' thousands separators: 1234567 → '1.234.567'."""
    return "" if value is None else f"{value:,}".replace(",", ".")
