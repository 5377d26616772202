"""The same-run baseline for linkage (issue 18): a plain Splink 5 model with Splink's default comparisons.

What a team would write from Splink's tutorial, with no misper knowledge: names lower-cased, Splink's
library comparisons at their default settings (``NameComparison`` for each name,
``DateOfBirthComparison``, ``ExactMatch`` for sex, ``PostcodeComparison``), four plain blocking rules,
the prior estimated from a deterministic rule, u by random sampling, m by expectation maximisation on two
blocks, pairs at ≥ 0.5 clustered at 0.8. Used by ``bench/linkage.py`` beside misper's own linkage.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

THRESHOLD = 0.8


def _frame(records: Sequence) -> pd.DataFrame:  # type: ignore[type-arg]
    def lower(value: str | None) -> str | None:
        return value.strip().lower() if value and value.strip() else None

    return pd.DataFrame(
        {
            "unique_id": range(len(records)),
            "given_name": [lower(r.given_name) for r in records],
            "family_name": [lower(r.family_name) for r in records],
            "dob": [
                r.date_of_birth if r.date_of_birth and len(r.date_of_birth) == 10 else None for r in records
            ],
            "sex": [r.sex if r.sex in ("female", "male") else None for r in records],
            "postcode": [r.postcode.upper() if r.postcode else None for r in records],
        }
    )


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.PostcodeComparison("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("dob", "family_name"),
            block_on("dob", "given_name"),
            block_on("postcode", "given_name"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def plain_link(records: Sequence, seed: int = 1) -> list[str]:  # type: ignore[type-arg]
    """Person ids for ``records`` (one per record, in order) from the plain model."""
    logging.getLogger("splink").setLevel(logging.WARNING)
    connection = duckdb.connect(":memory:")
    db_api = DuckDBAPI(connection=connection)
    linker = Linker(db_api.register(_frame(records)), _settings())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob", "postcode"))
    pairs = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, THRESHOLD)
    table = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    by_id = dict(zip(table["unique_id"].astype(int), table["cluster_id"].astype(str), strict=True))
    return [by_id.get(i, f"single-{i}") for i in range(len(records))]
