"""The Spark backend: the same trained model on Splink's SparkAPI in local mode gives the same people.

The end-to-end test starts one local JVM (``local[2]``, 2 GiB driver) through ``misper link --backend
spark`` in a subprocess, so no JVM lingers in the test process; it takes 30 s to two and a half minutes on
this shared 2-core machine depending on its load, most of it Spark's fixed cost per query. No network is used (the similarity jar ships
inside splink).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from misper.national.linkage import link
from misper.national.linkage.evaluate import pairwise
from misper.national.linkage.model import MODEL_PATH, load
from misper.national.linkage.spark import spark_model
from misper.national.linkage.synthetic import generate, labelled_records

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def test_the_model_is_rewritten_for_spark_sql():
    model = spark_model(load(MODEL_PATH, 1000))
    conditions = [lv["sql_condition"] for c in model["comparisons"] for lv in c["comparison_levels"]]
    rules = [r["blocking_rule"] for r in model["blocking_rules_to_generate_predictions"]]
    text = " ".join(conditions + rules)
    assert model["sql_dialect"] == "spark"
    assert "jaro_winkler(" in text
    assert "jaro_winkler_similarity" not in text.lower()
    assert '"' not in text  # DuckDB's quoted identifiers are Spark's string literals
    assert json.loads(MODEL_PATH.read_text())["sql_dialect"] == "duckdb"  # the stored model is untouched


def test_the_default_path_never_imports_pyspark():
    code = (
        "import sys; from misper.national.linkage import link;"
        "from misper.national.linkage.synthetic import labelled_records;"
        "link(labelled_records(50, seed=1)[0]); assert 'pyspark' not in sys.modules, 'pyspark imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_spark_backend_links_the_same_people_as_duckdb(tmp_path):
    children = 150
    appearances = generate(children, seed=7)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(a.document()) + "\n" for a in appearances))
    out = tmp_path / "spark.csv"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(MANAGE), "link", str(source), "--out", str(out), "--backend", "spark"],
        capture_output=True,
        text=True,
        timeout=880,
    )
    print(f"misper link --backend spark: {time.perf_counter() - started:.0f} s")
    assert done.returncode == 0, done.stderr[-3000:]
    spark_ids = [row["person_id"] for row in csv.DictReader(out.open())]

    records, truth = labelled_records(children, seed=7)
    assert len(records) == len(appearances)  # every appearance is a usable line, in the same order
    duckdb_ids = link(records).person_ids
    assert len(set(duckdb_ids)) < len(duckdb_ids)  # there are links to agree on
    assert spark_ids == duckdb_ids
    spark_f1, duckdb_f1 = pairwise(spark_ids, truth).f1, pairwise(duckdb_ids, truth).f1
    print(f"pairwise F1 spark {spark_f1:.4f} duckdb {duckdb_f1:.4f}")
    assert abs(spark_f1 - duckdb_f1) <= 0.005
