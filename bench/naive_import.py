"""The naive import the benchmark compares against: pandas.read_excel(openpyxl) + one ORM object per row.

Usage: python -m bench.naive_import FILE DATABASE_URL WARD_CODE
"""

import sys

import pandas as pd
from sqlalchemy import select

from data_layer.core.db import get_engine, write_session
from data_layer.core.models import Beneficiary, Ward
from data_layer.vn.text import fold


def main(path: str, url: str, ward_code: str) -> None:
    frame = pd.read_excel(path, engine="openpyxl", header=0, dtype=str)
    with write_session(get_engine(url)) as session:
        ward_id = session.execute(select(Ward.id).where(Ward.code == ward_code)).scalar_one()
        for row in frame.itertuples(index=False):
            year = str(row[2])[:4]
            session.add(
                Beneficiary(
                    ward_id=ward_id,
                    name=row[1],
                    name_key=fold(row[1]),
                    national_id=row[4],
                    birth_year=int(year) if year.isdigit() else None,
                    hamlet=row[5],
                )
            )


if __name__ == "__main__":
    main(*sys.argv[1:4])
