"""The naive import the benchmark compares against: pandas.read_excel(openpyxl) + one ORM object per row.

It reads a `bench.ward_list` shape the way a quick script would, told where that shape keeps its
columns (``Layout``): title and header rows skipped by count, the birth year as the first four-digit
year in the birth cell (of whichever of the Nam | Nữ columns is filled when the shape splits them), the
CCCD's lost leading zero padded back, a short one left out; one `Beneficiary` per row, without any of
An Sinh's checks.

Usage: python -m bench.naive_import FILE DATABASE_URL WARD_CODE [SHAPE]
"""

import re
import sys

import pandas as pd
from sqlalchemy import select

from bench.ward_list import SHAPES
from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Beneficiary, Ward
from data_layer.vn.text import fold

YEAR = re.compile(r"(?:19|20)\d\d")


def main(path: str, url: str, ward_code: str, shape: str = "mau_1") -> None:
    layout = SHAPES[shape].layout
    frame = pd.read_excel(path, engine="openpyxl", header=None, skiprows=layout.header_rows, dtype=str)
    frame = frame[frame[layout.name].notna() & frame[layout.national_id].notna()]  # footer, blank rows
    with write_session(get_engine(url)) as session:
        ward_id = session.execute(select(Ward.id).where(Ward.code == ward_code)).scalar_one()
        for row in frame.itertuples(index=False):
            births = [row[c] for c in layout.birth]
            birth = next((b for b in births if isinstance(b, str)), "")
            if layout.gender is None:
                gender = "M" if isinstance(births[0], str) else "F"
            else:
                gender = "F" if str(row[layout.gender]).lower() == "nữ" else "M"
            year = YEAR.search(birth)
            digits = str(row[layout.national_id]).replace(" ", "")
            session.add(
                Beneficiary(
                    ward_id=ward_id,
                    name=row[layout.name],
                    name_key=fold(row[layout.name]),
                    gender=gender,
                    national_id=digits.zfill(12) if len(digits) in (11, 12) else None,
                    birth_year=int(year.group()) if year else None,
                    hamlet=row[layout.hamlet],
                )
            )


if __name__ == "__main__":
    main(*sys.argv[1:5])
