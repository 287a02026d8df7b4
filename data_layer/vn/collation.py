"""Vietnamese alphabetical order, one sort key for pages and files, in Python and in SQL.

Name lists are ordered as offices order them: by thôn/tổ, then by given name (the last word), then
by the rest of the name. Letters follow the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …);
tone marks only decide between words with the same letters (Ha < Hà < Hả < Hã < Há < Hạ < Hai), and
"Tổ 2" comes before "Tổ 10".

A text's key is its letters mapped to ASCII codes in alphabet order (``primary``), then one tone digit
per letter (``tones``). Python maps with ``str.translate``; PostgreSQL runs the same table through
``translate()`` (compared ``COLLATE "C"``); SQLite calls the Python functions. So
``sorted(rows, key=person_key)`` and ``ORDER BY *person_order(...)`` give the same order.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from sqlalchemy import ColumnElement, String, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from data_layer.core.db import sqlite_function

ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
VOWELS = set("aăâeêioôơuưy")
# No mark, huyền, hỏi, ngã, sắc, nặng: the dictionaries' order of the tones.
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
DIGITS = "0123456789"


def _tables() -> tuple[str, str, str]:
    letters, primary, tones = [], [], []
    for rank, base in enumerate(ALPHABET):
        for tone, mark in enumerate(TONE_MARKS if base in VOWELS else TONE_MARKS[:1]):
            lower = unicodedata.normalize("NFC", base + mark)
            for letter in (lower, lower.upper()):
                letters.append(letter)
                primary.append(chr(ord("A") + rank))
                tones.append(str(tone))
    return "".join(letters), "".join(primary), "".join(tones)


LETTERS, PRIMARY_CODES, TONE_CODES = _tables()
# Digits are left out of a text's letters: a hamlet's number is compared as a number.
_PRIMARY = str.maketrans(LETTERS, PRIMARY_CODES, DIGITS)
_TONES = str.maketrans(LETTERS, TONE_CODES, DIGITS)
_NUMBER = re.compile("[0-9]{1,9}")


@sqlite_function("vn_primary", 1)
def primary(text: str | None) -> str | None:
    """The letters of ``text`` as codes in Vietnamese alphabet order, tones and digits dropped."""
    return None if text is None else text.translate(_PRIMARY)


@sqlite_function("vn_tones", 1)
def tones(text: str | None) -> str | None:
    """One tone digit per letter of ``text`` (0 none, 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng)."""
    return None if text is None else text.translate(_TONES)


@sqlite_function("vn_number", 1)
def number(text: str | None) -> str:
    """The first number in ``text``, zero-padded so that 2 sorts before 10 ('' when none)."""
    found = _NUMBER.search(text or "")
    return found.group().zfill(9) if found else ""


@sqlite_function("vn_given", 1)
def given_name(name: str) -> str:
    """The given name: the last word of a full name."""
    return name.rpartition(" ")[2]


@sqlite_function("vn_rest", 1)
def rest_of_name(name: str) -> str:
    """The family and middle names: every word but the last."""
    return name.rpartition(" ")[0]


@functools.lru_cache(maxsize=1 << 16)  # names, hamlets and wards repeat: an export sorts 50,000
def text_key(text: str | None) -> tuple[str, str]:
    """Sort key of a text (a ward, a hamlet, a package) in Vietnamese order."""
    return primary(text) or "", tones(text) or ""


@functools.lru_cache(maxsize=1 << 12)
def hamlet_key(hamlet: str | None) -> tuple[bool, str, str, str]:
    """Sort key of a hamlet: letters, then its number, then tones; people without a hamlet last."""
    return hamlet is None, primary(hamlet) or "", number(hamlet), tones(hamlet) or ""


def person_key(hamlet: str | None, name: str) -> tuple:
    """Sort key of a person in a name list: hamlet, given name, then the rest of the name."""
    given, rest = given_name(name), rest_of_name(name)
    return *hamlet_key(hamlet), *text_key(given), *text_key(rest)


# --- SQL -----------------------------------------------------------------------------------------
class _VnFunction(FunctionElement):
    type = String()
    inherit_cache = True


class _Primary(_VnFunction):
    name = "vn_primary"
    inherit_cache = True


class _Tones(_VnFunction):
    name = "vn_tones"
    inherit_cache = True


class _Number(_VnFunction):
    name = "vn_number"
    inherit_cache = True


class _Given(_VnFunction):
    name = "vn_given"
    inherit_cache = True


class _Rest(_VnFunction):
    name = "vn_rest"
    inherit_cache = True


@compiles(_Primary)
@compiles(_Tones)
@compiles(_Number)
@compiles(_Given)
@compiles(_Rest)
def _sqlite(element, compiler, **kw):  # the Python functions above, declared on every connection
    return f"{element.name}({compiler.process(element.clauses, **kw)})"


@compiles(_Primary, "postgresql")
def _primary_pg(element, compiler, **kw):
    (text,) = element.clauses
    mapped = func.translate(text, literal(LETTERS + DIGITS), literal(PRIMARY_CODES))
    return compiler.process(mapped.collate("C"), **kw)


@compiles(_Tones, "postgresql")
def _tones_pg(element, compiler, **kw):
    (text,) = element.clauses
    mapped = func.translate(text, literal(LETTERS + DIGITS), literal(TONE_CODES))
    return compiler.process(mapped.collate("C"), **kw)


@compiles(_Number, "postgresql")
def _number_pg(element, compiler, **kw):
    (text,) = element.clauses
    padded = func.coalesce(func.lpad(func.substring(text, literal(_NUMBER.pattern)), 9, "0"), "")
    return compiler.process(padded.collate("C"), **kw)


@compiles(_Given, "postgresql")
def _given_pg(element, compiler, **kw):
    (name,) = element.clauses
    return compiler.process(func.regexp_replace(name, literal("^.* "), literal("")), **kw)


@compiles(_Rest, "postgresql")
def _rest_pg(element, compiler, **kw):
    (name,) = element.clauses
    return compiler.process(func.regexp_replace(name, literal(" ?[^ ]*$"), literal("")), **kw)


def text_order(column) -> list[ColumnElement]:
    """ORDER BY terms of a text column in Vietnamese order (``text_key`` in SQL)."""
    return [_Primary(column), _Tones(column)]


def hamlet_order(hamlet) -> list[ColumnElement]:
    """ORDER BY terms of a hamlet column (``hamlet_key`` in SQL)."""
    return [hamlet.is_(None), _Primary(hamlet), _Number(hamlet), _Tones(hamlet)]


def person_order(hamlet, name) -> list[ColumnElement]:
    """ORDER BY terms of people in a name list (``person_key`` in SQL)."""
    return [*hamlet_order(hamlet), *text_order(_Given(name)), *text_order(_Rest(name))]
