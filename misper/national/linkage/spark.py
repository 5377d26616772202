"""Scoring with Splink's Spark backend (``misper link --backend spark``), for data beyond one machine.

The same trained model (``model.json``) runs on Spark: its SQL is written for DuckDB, so each
condition and blocking rule is transpiled to Spark SQL (SQLGlot, as Splink does) and DuckDB's
``jaro_winkler_similarity`` becomes ``jaro_winkler`` from the similarity jar Splink ships (which also
provides ``damerau_levenshtein``). pyspark is imported here only, so the default DuckDB path never
pays for it. Locally the session is ``local[2]`` with modest memory; on a cluster pass your own
``SparkSession`` to ``score``.
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from typing import Any

import pandas as pd
import sqlglot

from misper.national.linkage.errors import SparkBackendError

SPARK_MASTER = os.environ.get("MISPER_SPARK_MASTER", "local[2]")
SPARK_DRIVER_MEMORY = os.environ.get("MISPER_SPARK_DRIVER_MEMORY", "2g")
SPARK_SHUFFLE_PARTITIONS = os.environ.get("MISPER_SPARK_SHUFFLE_PARTITIONS", "4")

_session: Any = None  # the pyspark SparkSession, once started


def _to_spark(sql: str) -> str:
    spark_sql = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    return spark_sql.replace("JAROWINKLER_SIMILARITY(", "jaro_winkler(")


def spark_model(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """The stored (DuckDB) model rewritten for Splink's Spark backend; the parameters are untouched."""
    model = copy.deepcopy(settings_dict)
    model["sql_dialect"] = "spark"
    for rule in model.get("blocking_rules_to_generate_predictions", []):
        rule["blocking_rule"] = _to_spark(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                level["sql_condition"] = _to_spark(level["sql_condition"])
    return model


def spark_session() -> Any:
    """A local Spark session with Splink's similarity jar, started once per process (~10 s)."""
    global _session  # one JVM per process
    if _session is not None:
        return _session
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise SparkBackendError(
            "The Spark backend needs pyspark: pip install -e '.[spark]' (or '.[dev]')"
        ) from error
    scratch = tempfile.mkdtemp(prefix="misper-spark-")
    atexit.register(shutil.rmtree, scratch, True)
    try:
        session = (
            SparkSession.builder.master(SPARK_MASTER)
            .appName("misper-link")
            .config("spark.jars", similarity_jar_location())
            .config("spark.driver.memory", SPARK_DRIVER_MEMORY)
            .config("spark.sql.shuffle.partitions", SPARK_SHUFFLE_PARTITIONS)
            .config("spark.default.parallelism", SPARK_SHUFFLE_PARTITIONS)
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
            .config("spark.local.dir", scratch)
            .getOrCreate()
        )
    except Exception as error:  # pragma: no cover - Java missing or broken
        raise SparkBackendError(f"Spark could not start (is Java 17+ installed?): {error}") from error
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
    atexit.register(session.stop)
    _session = session
    return session


def score(
    frame: pd.DataFrame, settings_dict: dict[str, Any], lower: float, spark: Any = None
) -> pd.DataFrame:
    """Splink's predictions on Spark: unique_id_l, unique_id_r, match_probability with probability ≥ ``lower``."""
    from splink import Linker, SparkAPI

    session = spark or spark_session()
    db_api = SparkAPI(spark_session=session, break_lineage_method="parquet")
    table = session.createDataFrame(frame.astype(object).where(frame.notna(), None))
    linker = Linker(db_api.register(table), spark_model(settings_dict))
    try:
        result = linker.inference.predict(threshold_match_probability=lower)
        return result.as_pandas_dataframe()
    except Exception as error:  # a Py4J error carries the whole Java stack trace: keep its gist
        gist = next((line for line in str(error).splitlines() if "Error" in line), str(error)[:300])
        raise SparkBackendError(
            f"Spark failed: {gist.strip()} (more memory: MISPER_SPARK_DRIVER_MEMORY, now {SPARK_DRIVER_MEMORY})"
        ) from error
