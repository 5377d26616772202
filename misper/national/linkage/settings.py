"""The Splink model's shape: which fields are compared, at which levels, and which pairs are proposed.

Five comparisons, each scoring one piece of evidence once (see docs/linkage.md):

- given name: exact (with term-frequency adjustment, so "Olivia" counts for less than "Zuzanna"), the
  same canonical name through the nickname table (Jess/Jessica), then Jaro-Winkler similarity bands;
- family name: exact (term-frequency adjusted), Jaro-Winkler bands; a changed surname falls to the last
  level and is outweighed by the other fields;
- date of birth: exact, day and month swapped, the same year and month where one side is partial, one
  typed digit wrong, the same year and month with another day (a wrong day of the month), the same
  year; a missing date is neutral;
- sex: male or female agree or not; unknown is neutral;
- address as ONE comparison (postcode, street and town together). No term-frequency adjustment: a
  postcode's frequency in a return is mostly the same child's own records, so it would penalise true
  matches; children sharing a children's home are told apart by their names and dates of birth.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

# Given and family names entered the wrong way round, each allowing a typing slip ("Sach Jasmwine").
SWAPPED_WITH_SLIP = (
    "jaro_winkler_similarity(given_name_l, family_name_r) >= 0.9"
    " AND jaro_winkler_similarity(family_name_l, given_name_r) >= 0.9"
)

# One name in the other record's other field, the other name changed ("Holly Bullock" / "Bullock Adele").
HALF_SWAPPED = "(given_name_l = family_name_r OR family_name_l = given_name_r)"

# A double-barrelled surname and one of its halves ("Okafor-Lewis" / "Lewis"), or two sharing a half.
ONE_SURNAME_PART = (
    "family_first_l IN (family_first_r, family_last_r) OR family_last_l IN (family_first_r, family_last_r)"
)


def _given_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("given_canon").configure(label_for_charts="Same name through nicknames"),
            cll.CustomLevel("given_name_l = family_name_r AND family_name_l = given_name_r", "Names swapped"),
            cll.CustomLevel(SWAPPED_WITH_SLIP, "Names swapped, with a typing slip"),
            cll.CustomLevel(HALF_SWAPPED, "One name in the other record's other name field"),
            cll.JaroWinklerLevel("given_name", 0.92),
            cll.JaroWinklerLevel("given_name", 0.80),
            cll.ElseLevel(),
        ],
    )


def _family_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            # Names the wrong way round are scored once, by the given name's comparison: here neutral.
            cll.CustomLevel(SWAPPED_WITH_SLIP, "Names swapped (scored with the given name)").configure(
                is_null_level=True
            ),
            cll.CustomLevel(
                HALF_SWAPPED, "One name in the other field (scored with the given name)"
            ).configure(is_null_level=True),
            cll.CustomLevel(ONE_SURNAME_PART, "One part of a double-barrelled surname"),
            cll.JaroWinklerLevel("family_name", 0.92),
            cll.JaroWinklerLevel("family_name", 0.80),
            cll.ElseLevel(),
        ],
    )


def _date_of_birth() -> cl.CustomComparison:
    partial = "(dob_l IS NULL OR dob_r IS NULL)"
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob_y"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_l = dob_swap_r", "Day and month swapped"),
            cll.CustomLevel(f"dob_ym_l = dob_ym_r AND {partial}", "Same year and month, one side partial"),
            cll.CustomLevel("damerau_levenshtein(dob_l, dob_r) <= 1", "One digit different"),
            cll.CustomLevel("dob_ym_l = dob_ym_r", "Same year and month, another day"),
            cll.CustomLevel(
                "dob_y_l = dob_y_r AND (dob_ym_l IS NULL OR dob_ym_r IS NULL)",
                "Same year, one side year only",
            ),
            cll.CustomLevel("dob_y_l = dob_y_r", "Same year"),
            cll.ElseLevel(),
        ],
    )


def _sex() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
    )


def _address() -> cl.CustomComparison:
    no_address = (
        "((postcode_l IS NULL AND address_line_l IS NULL) OR (postcode_r IS NULL AND address_line_r IS NULL))"
    )
    same_street = "jaro_winkler_similarity(address_line_l, address_line_r) >= 0.9"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel(no_address, "No address").configure(is_null_level=True),
            cll.CustomLevel(f"postcode_l = postcode_r AND {same_street}", "Same postcode and street"),
            cll.CustomLevel(
                f"damerau_levenshtein(postcode_l, postcode_r) <= 1 AND {same_street}",
                "Same street, postcode with a typing slip",
            ),
            cll.CustomLevel("postcode_l = postcode_r", "Same postcode"),
            cll.CustomLevel(f"{same_street} AND town_l = town_r", "Same street and town"),
            cll.CustomLevel(
                "postcode_district_l = postcode_district_r OR town_l = town_r", "Same district or town"
            ),
            cll.ElseLevel(),
        ],
    )


def _rule(sql: str) -> dict:
    return {"blocking_rule": sql, "sql_dialect": "duckdb"}


def _first(column: str, letters: int) -> str:
    return f"substr(l.{column}, 1, {letters}) = substr(r.{column}, 1, {letters})"


def blocking_rules() -> list:
    """Rules chosen for recall per comparison made; the cheap, precise ones first (see docs/linkage.md).

    Every rule keys on at least two fields, so no block grows with the square of a common value: at a
    million records these propose about 30 million pairs and 97% of the true ones.
    """
    return [
        block_on("family_sx", "dob"),
        block_on("given_canon", "dob"),
        _rule("l.dob = r.dob_swap AND l.family_sx = r.family_sx"),
        _rule(f"l.postcode = r.postcode AND {_first('given_name', 1)}"),
        block_on("postcode", "dob_y"),
        block_on("postcode", "address_line"),
        _rule("l.given_name = r.family_name AND l.family_name = r.given_name"),
        block_on("given_canon", "family_name"),
        block_on("given_sx", "family_name"),
        _rule(f"l.dob = r.dob AND {_first('given_name', 2)}"),
        _rule(f"l.dob = r.dob_swap AND {_first('given_name', 2)}"),
        _rule(f"{_first('given_name', 2)} AND {_first('family_name', 2)} AND l.dob_ym = r.dob_ym"),
        _rule(f"l.address_line = r.address_line AND l.town = r.town AND {_first('given_name', 1)}"),
        block_on("dob", "postcode_district"),
        block_on("dob", "town"),
        _rule("l.dob = r.dob AND l.given_sx = r.family_sx"),
        _rule("l.given_name = r.family_name AND l.postcode = r.postcode"),
        _rule("l.family_name = r.given_name AND l.postcode = r.postcode"),
    ]


def settings() -> SettingsCreator:
    """The untrained model: comparisons and blocking, with neutral starting parameters."""
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[_given_name(), _family_name(), _date_of_birth(), _sex(), _address()],
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        em_convergence=0.001,
        max_iterations=20,
    )
