"""National identity linkage: which records in several forces' returns are the same child.

Splink 5 on DuckDB with a trained model stored in ``model.json``. See docs/linkage.md.
"""

from misper.national.linkage.engine import Decision, DoubtfulPair, LinkOutcome, link
from misper.national.linkage.records import LinkRecord, read_records

__all__ = ["Decision", "DoubtfulPair", "LinkOutcome", "LinkRecord", "link", "read_records"]
