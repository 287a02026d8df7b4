"""All ANSINH_* environment variables, read in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///data/ansinh.db"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of An Sinh."""

    database_url: str
    data_dir: Path
    max_upload_mb: int
    org_name: str
    org_place: str  # the place name of dated documents: "Lạng Sơn, ngày …"
    cookie_expiry_days: float
    trusted_proxies: str  # addresses/networks whose X-Forwarded-For names the client (comma-separated)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def get_settings() -> Settings:
    """Read the settings from the environment (each call reads it afresh, so tests can change it)."""
    return Settings(
        database_url=os.environ.get("ANSINH_DATABASE_URL", DEFAULT_DATABASE_URL),
        data_dir=Path(os.environ.get("ANSINH_DATA_DIR", "data")),
        max_upload_mb=int(os.environ.get("ANSINH_MAX_UPLOAD_MB", "20")),
        org_name=os.environ.get("ANSINH_ORG_NAME", "UBND THÀNH PHỐ"),
        org_place=os.environ.get("ANSINH_ORG_PLACE", ""),
        cookie_expiry_days=float(os.environ.get("ANSINH_COOKIE_EXPIRY_DAYS", "1")),
        trusted_proxies=os.environ.get("ANSINH_TRUSTED_PROXIES", ""),
    )
