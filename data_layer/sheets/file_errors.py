"""The error of a file that cannot be read as a list at all (nothing is written then)."""

from __future__ import annotations

from data_layer.core.errors import Invalid


class FileReadError(Invalid):
    """The file cannot be read as a spreadsheet list (Vietnamese message)."""
