"""Retention: when each record is due for review, the review queue, and the retain and dispose decisions.

- ``schedule``: review dates from the force's schedule (``settings.MISPER_RETENTION``).
- ``selectors``: what is due for review in the reviewer's force (``retention_due``).
- ``services``: ``retention_retain`` (keep, with a rationale and the next review date) and
  ``retention_dispose`` (remove the record and every derived copy, leaving an erasure event with ids only).
"""
