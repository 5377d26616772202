"""Turning link records into the table Splink compares: cleaned names, nickname forms, soundex, date parts.

Everything here is vectorised over unique values, so a million records prepare in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import jellyfish
import pandas as pd

from misper.national.linkage.nicknames import canonical_given_name
from misper.national.linkage.records import LinkRecord

COLUMNS = (
    "unique_id",
    "given_name",
    "given_canon",
    "given_sx",
    "family_name",
    "family_sx",
    "family_first",
    "family_last",
    "dob",
    "dob_swap",
    "dob_ym",
    "dob_y",
    "sex",
    "postcode",
    "postcode_district",
    "address_line",
    "town",
)


def _clean_names(values: pd.Series) -> pd.Series:
    """Lower-case letters only; cleaned once per distinct value (names repeat a lot)."""
    uniques = pd.Series(values.dropna().unique())
    cleaned = uniques.str.lower().str.replace(r"[^a-z]", "", regex=True)
    cleaned = cleaned.where(cleaned != "", None)
    return values.map(dict(zip(uniques, cleaned, strict=True)))


def _surname_part(name: object, index: int) -> str | None:
    """A part of a double-barrelled surname ("Okafor-Lewis": 0 okafor, -1 lewis); a single surname is
    both its parts."""
    parts = re.findall(r"[a-z]+", name.lower()) if isinstance(name, str) else []
    return parts[index] if parts else None


def _map_unique(values: pd.Series, func) -> pd.Series:  # type: ignore[no-untyped-def]
    uniques = values.dropna().unique()
    return values.map(dict(zip(uniques, (func(u) for u in uniques), strict=True)))


def _swap_day_month(dob: str | None) -> str | None:
    """'2009-05-14' stays None (14 is not a month); '2009-05-07' -> '2009-07-05'."""
    if not isinstance(dob, str) or len(dob) != 10:
        return None
    year, month, day = dob.split("-")
    if month == day or int(day) > 12:
        return None
    return f"{year}-{day}-{month}"


def _date_parts(frame: pd.DataFrame, dob: pd.Series, text: pd.Series) -> None:
    """Date columns from sound dates; a malformed full date's raw text fills ``dob`` only (so it meets
    the one-digit-different level, never the swap), and its sound year and month come through ``dob``."""
    dob = dob.where(dob.notna() & (dob != ""), None)
    frame["dob"] = dob.where(dob.str.len() == 10, None)
    frame["dob_swap"] = _map_unique(frame["dob"], _swap_day_month)
    frame["dob"] = frame["dob"].where(frame["dob"].notna(), text)
    frame["dob_ym"] = dob.where(dob.str.len() >= 7, None).str[:7]
    frame["dob_y"] = dob.str[:4]


def _address(frame: pd.DataFrame, records: pd.DataFrame) -> None:
    postcode = records["postcode"].fillna("").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    frame["postcode"] = postcode.where(postcode.str.len() >= 4, None)
    # UK postcodes: the outward code (district); others (4-digit) keep their first two digits.
    frame["postcode_district"] = (
        frame["postcode"].str[:-3].where(frame["postcode"].str.len() > 4, frame["postcode"].str[:2])
    )
    line = records["address_line"].fillna("").str.lower().str.replace(r"[^a-z0-9 ]", "", regex=True)
    line = line.str.replace(r"\s+", " ", regex=True).str.strip()
    frame["address_line"] = line.where(line != "", None)
    frame["town"] = _clean_names(records["town"])


def prepare(records: Sequence[LinkRecord]) -> pd.DataFrame:
    """The comparison table for ``records``; row i has unique_id i. Missing values are None (SQL NULL)."""
    raw = pd.DataFrame.from_records(
        [
            (
                r.given_name,
                r.family_name,
                r.date_of_birth,
                r.date_of_birth_text,
                r.sex,
                r.address_line,
                r.town,
                r.postcode,
            )
            for r in records
        ],
        columns=["given_name", "family_name", "dob", "dob_text", "sex", "address_line", "town", "postcode"],
        index=pd.RangeIndex(len(records)),
    ).astype(object)
    frame = pd.DataFrame({"unique_id": range(len(records))})
    frame["given_name"] = _clean_names(raw["given_name"])
    frame["given_canon"] = _map_unique(frame["given_name"], canonical_given_name)
    frame["given_sx"] = _map_unique(frame["given_name"], jellyfish.soundex)
    frame["family_name"] = _clean_names(raw["family_name"])
    frame["family_sx"] = _map_unique(frame["family_name"], jellyfish.soundex)
    frame["family_first"] = _map_unique(raw["family_name"], lambda n: _surname_part(n, 0))
    frame["family_last"] = _map_unique(raw["family_name"], lambda n: _surname_part(n, -1))
    _date_parts(frame, raw["dob"].astype(object), raw["dob_text"].astype(object))
    frame["sex"] = raw["sex"].where(raw["sex"].isin(["female", "male"]), None)
    _address(frame, raw)
    return frame[list(COLUMNS)].astype(object).where(frame[list(COLUMNS)].notna(), None)
