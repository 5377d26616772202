"""The dashboard's summary table: one row of facts per episode, refreshed from the records.

Figures over a force-year or ten national years aggregate this narrow table instead of joining
episodes to children, reviews, assessments, checks and interviews each time. ``misper.analytics.facts``
fills it (``misper analytics refresh``; the alert worker runs an incremental refresh every minute), and
``FactsRefresh`` says when, so the page can show "figures as of". Nothing else writes these rows.
"""

from __future__ import annotations

from django.db import models


class EpisodeFact(models.Model):
    """What the dashboard counts about one episode, as of the last refresh. Child attributes (sex,
    ethnicity, care) are the child's at refresh time, as the live figures read them."""

    episode = models.OneToOneField(
        "episodes.Episode", primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="+")
    # Copies of the child's fields the access rule reads, named ``child_<field>`` so that
    # ``child_access_q(user, prefix="child_")`` applies to facts unchanged (and a new clause on another
    # field fails loudly here instead of silently differing). Current as of the last refresh.
    child_pk = models.IntegerField()
    child_force_id = models.IntegerField()
    child_placing_authority_id = models.IntegerField(null=True)
    child_host_authority_id = models.IntegerField(null=True)
    child_care_provider_id = models.IntegerField(null=True)
    force_id = models.IntegerField(help_text="The episode's force")
    reported_at = models.DateTimeField()
    month = models.DateField(help_text="First day of the report's month, Europe/London")
    since_at = models.DateTimeField(help_text="Last seen, or reported when not known")
    found_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    age = models.IntegerField(null=True, help_text="Whole years when reported; null when not known")
    age_group = models.CharField(max_length=7)  # child, adult or unknown
    category = models.CharField(max_length=10)
    risk = models.CharField(max_length=20)
    sex = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=10, blank=True)
    looked_after = models.BooleanField(default=False)
    out_of_area = models.BooleanField(default=False)
    beat = models.CharField(max_length=40, blank=True)
    missing_from = models.ForeignKey(
        "people.Location", null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    missing_from_beat = models.CharField(max_length=40, blank=True)
    missing_from_care = models.BooleanField(default=False)
    first_review_at = models.DateTimeField(null=True)
    changed = models.BooleanField(default=False, help_text="A supervisor re-graded or rejected a grading")
    under_graded = models.BooleanField(default=False)
    checked = models.BooleanField(default=False, help_text="A safe and well check was recorded")
    safe_and_well_not_done_reason = models.TextField(blank=True)
    referred = models.BooleanField(default=False, help_text="Referred for a return home interview")
    offered = models.BooleanField(default=False)
    completed = models.BooleanField(default=False)
    completed_in_72h = models.BooleanField(default=False)
    return_method = models.CharField(max_length=20, blank=True)
    harm_disclosed = models.BooleanField(null=True)
    offences = models.BooleanField(default=False)
    found_kind = models.CharField(max_length=30, blank=True)
    found_with_kind = models.CharField(max_length=10)  # associate, named or none
    window_force = models.IntegerField(help_text="Episodes of the person in the force repeat window")
    window_national = models.IntegerField(help_text="Episodes of the person in the national window")
    # Re-missing after a return home interview (figures/outcomes.py): when the episode's interview was
    # completed (null unless it was), and the person's missing and absent episodes in the 90 days
    # before and after that moment.
    rhi_completed_at = models.DateTimeField(null=True)
    rhi_before_missing = models.IntegerField(default=0)
    rhi_before_absent = models.IntegerField(default=0)
    rhi_after_missing = models.IntegerField(default=0)
    rhi_after_absent = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["reported_at"]),
            models.Index(fields=["child", "reported_at"]),
            models.Index(fields=["child_force_id", "reported_at"]),
            models.Index(fields=["child_pk"]),
            models.Index(fields=["child_placing_authority_id"]),
            models.Index(fields=["child_host_authority_id"]),
            models.Index(fields=["child_care_provider_id"]),
            models.Index(
                fields=["child_force_id", "rhi_completed_at"],
                condition=models.Q(rhi_completed_at__isnull=False),
                name="analytics_fact_force_rhi",
            ),
        ]


class FactsRefresh(models.Model):
    """When the facts were last refreshed: one row for the last full refresh, one for the last
    incremental one, each with the repeat windows the facts were counted with."""

    refreshed_at = models.DateTimeField()
    full = models.BooleanField(default=False, help_text="A full refresh rather than an incremental one")
    rows = models.IntegerField(default=0)
    force_window_days = models.IntegerField(default=0)
    national_window_days = models.IntegerField(default=0)
