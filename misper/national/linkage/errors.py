"""Errors the linkage package raises for callers to report (kept free of heavy imports)."""

from __future__ import annotations


class SparkBackendError(RuntimeError):
    """The Spark backend could not run (pyspark or Java missing, or Spark failed): the message says why."""
