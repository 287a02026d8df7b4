"""The naive import the benchmark compares against: pandas.read_excel(openpyxl) + one ORM object per row.

It reads `bench.ward_list`'s layout the way a quick script would (title and header rows skipped by
count, birth year from whichever of the Nam | Nữ columns is filled, the CCCD's lost leading zero
padded back, a short one left out) and adds one `Beneficiary` per row, without any of An Sinh's checks.

Usage: python -m bench.naive_import FILE DATABASE_URL WARD_CODE
"""

import sys

import pandas as pd
from sqlalchemy import select

from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Beneficiary, Ward
from data_layer.vn.text import fold

HEADER_ROWS = 6  # three title rows, the two-row header, the (1)…(n) numbering row


def main(path: str, url: str, ward_code: str) -> None:
    frame = pd.read_excel(path, engine="openpyxl", header=None, skiprows=HEADER_ROWS, dtype=str)
    frame = frame[frame[0].notna()]  # drops the total footer
    with write_session(get_engine(url)) as session:
        ward_id = session.execute(select(Ward.id).where(Ward.code == ward_code)).scalar_one()
        for row in frame.itertuples(index=False):
            birth = row[2] if isinstance(row[2], str) else row[3]
            year = str(birth)[-4:]
            digits = str(row[4]).replace(" ", "")
            session.add(
                Beneficiary(
                    ward_id=ward_id,
                    name=row[1],
                    name_key=fold(row[1]),
                    gender="M" if isinstance(row[2], str) else "F",
                    national_id=digits.zfill(12) if len(digits) in (11, 12) else None,
                    birth_year=int(year) if year.isdigit() else None,
                    hamlet=row[5],
                )
            )


if __name__ == "__main__":
    main(*sys.argv[1:4])
