"""Training, loading and scoring the Splink model (DuckDB backend).

The trained model lives in ``model.json`` beside this file and is loaded at link time; training happens
only when asked (``misper link --train`` or ``misper national train``), on the synthetic cross-force set.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from misper.national.linkage.settings import settings

MODEL_PATH = Path(__file__).with_name("model.json")
# Pairs scoring below this are not kept at all (the review band's lower edge is queue.REVIEW_LOWER).
SCORE_LOWER = 0.30
# Pairs at or above this are the same child; between the two, a person decides (clerical review).
MATCH_THRESHOLD = 0.80
UNOBSERVED_M = 0.005
UNOBSERVED_U = 1e-6
# A level the synthetic truth never shows has no measured m, so its u is not let fall below this either:
# otherwise an agreement nobody measured (m at the floor, u a handful of sampled pairs) would weigh as
# much as a date of birth (about 12 bits). With it such a level weighs at most about 5.6 bits.
UNSEEN_LEVEL_U = 1e-4
PAIRS_PER_RECORD_KEY = "misper_true_pairs_per_record"

logging.getLogger("splink").setLevel(logging.WARNING)


def _linker(frame: pd.DataFrame, model: object) -> Linker:
    """A linker on a private in-memory DuckDB connection (a shared one breaks on partly read results)."""
    connection = duckdb.connect(":memory:")
    connection.execute("SET preserve_insertion_order = false")
    db_api = DuckDBAPI(connection=connection)
    return Linker(db_api.register(frame), model, log_level=logging.WARNING)  # type: ignore[arg-type]


def _true_pairs(labels: pd.Series) -> int:
    sizes = labels.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def train(frame: pd.DataFrame, labels: pd.Series, out: Path = MODEL_PATH, seed: int = 2016) -> Path:
    """Estimate the model's parameters on ``frame`` whose true person is ``labels``; save JSON to ``out``.

    u by random sampling of pairs (almost all of which are different children); m from the known truth of
    the synthetic set. Expectation maximisation is not used: on children's data it drifts towards
    "same household" (siblings share surname and address) and under-trains the date of birth.
    The rate of true pairs per record is kept so the prior can be rescaled to any input size.
    """
    labelled = frame.assign(true_person=labels.to_numpy())
    linker = _linker(labelled, settings())
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    linker.training.estimate_m_from_label_column("true_person")
    model = _floor_unobserved(linker.misc.save_model_to_json())
    model[PAIRS_PER_RECORD_KEY] = _true_pairs(labels) / len(frame)
    out.write_text(json.dumps(model, indent=2) + "\n")
    return out


def _floor_unobserved(model: dict, floor: float = UNOBSERVED_M) -> dict:
    """Give levels the synthetic truth never shows (say, sex disagreeing) a small m, then renormalise;
    likewise a tiny u for levels random pairs never reach.

    Real returns do hold such errors; without a floor one disagreement would rule a pair out absolutely.
    """
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for level in levels:
            unseen = (level.get("m_probability") or 0.0) < floor
            level["m_probability"] = max(level.get("m_probability") or 0.0, floor)
            level["u_probability"] = max(
                level.get("u_probability") or 0.0, UNSEEN_LEVEL_U if unseen else UNOBSERVED_U
            )
        total = sum(level["m_probability"] for level in levels)
        for level in levels:
            level["m_probability"] /= total
    return model


def load(model: Path, records: int) -> dict:
    """The stored model with its prior set for ``records`` records (true pairs grow with n, all pairs n²)."""
    settings_dict = json.loads(model.read_text())
    # Blocking decides which pairs are scored, not how: it is read from settings.py, so a rule can be
    # added without retraining (the parameters stored are the comparisons' and the prior's).
    current = settings().create_settings_dict("duckdb")["blocking_rules_to_generate_predictions"]
    settings_dict["blocking_rules_to_generate_predictions"] = current
    per_record = settings_dict.pop(PAIRS_PER_RECORD_KEY, 0.5)
    settings_dict["probability_two_random_records_match"] = min(0.5, 2 * per_record / max(1, records - 1))
    return settings_dict


BACKENDS = ("duckdb", "spark")


def score(
    frame: pd.DataFrame, model: Path = MODEL_PATH, lower: float = SCORE_LOWER, backend: str = "duckdb"
) -> pd.DataFrame:
    """Scored candidate pairs with probability ≥ ``lower``: columns left, right (row ids), probability.

    ``backend`` "spark" runs the same model on Splink's Spark backend (see spark.py; pyspark is
    imported only then).
    """
    settings_dict = load(model, len(frame))
    if backend == "spark":
        from misper.national.linkage import spark

        result = spark.score(frame, settings_dict, lower)
    elif backend == "duckdb":
        linker = _linker(frame, settings_dict)
        chunks = max(1, len(frame) // 400_000)
        pairs = linker.inference.predict(
            threshold_match_probability=lower, num_chunks_left=chunks, num_chunks_right=1
        )
        result = pairs.as_pandas_dataframe()
    else:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return pd.DataFrame(
        {
            "left": result["unique_id_l"].astype("int64"),
            "right": result["unique_id_r"].astype("int64"),
            "probability": result["match_probability"].astype("float64"),
        }
    )


TRAINING_CHILDREN = 30_000
TRAINING_SEED = 2016


def train_on_synthetic(
    out: Path = MODEL_PATH, children: int = TRAINING_CHILDREN, seed: int = TRAINING_SEED
) -> Path:
    """Retrain the stored model on a fresh synthetic cross-force set (about 10 s for 30,000 children)."""
    from misper.national.linkage.prepare import prepare
    from misper.national.linkage.synthetic import labelled_records

    records, truth = labelled_records(children, seed)
    return train(prepare(records), pd.Series(truth), out=out, seed=seed)
