"""Children, the adults around them, and the places in their lives."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_noop

from misper.audit.reveal import child_loaded


class Sex(models.TextChoices):
    FEMALE = "female", gettext_noop("Female")
    MALE = "male", gettext_noop("Male")
    OTHER = "other", gettext_noop("Other")
    UNKNOWN = "unknown", gettext_noop("Not known")


class Ethnicity(models.TextChoices):
    """Self-defined ethnicity, the '18+1' classification used by police forces in England and Wales."""

    A1 = "A1", "Asian or Asian British: Indian"
    A2 = "A2", "Asian or Asian British: Pakistani"
    A3 = "A3", "Asian or Asian British: Bangladeshi"
    A4 = "A4", "Asian or Asian British: Chinese"
    A9 = "A9", "Asian or Asian British: any other Asian background"
    B1 = "B1", "Black or Black British: Caribbean"
    B2 = "B2", "Black or Black British: African"
    B9 = "B9", "Black or Black British: any other Black background"
    M1 = "M1", "Mixed: White and Black Caribbean"
    M2 = "M2", "Mixed: White and Black African"
    M3 = "M3", "Mixed: White and Asian"
    M9 = "M9", "Mixed: any other mixed background"
    O2 = "O2", "Other ethnic group: Arab"
    O9 = "O9", "Other ethnic group: any other ethnic group"
    W1 = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    W2 = "W2", "White: Irish"
    W3 = "W3", "White: Gypsy or Irish Traveller"
    W9 = "W9", "White: any other White background"
    NS = "NS", "Not stated"


class PlacementType(models.TextChoices):
    HOME = "home", gettext_noop("Living at home")
    FOSTER = "foster", gettext_noop("Foster placement")
    RESIDENTIAL_HOME = "residential_home", gettext_noop("Residential children's home")
    SECURE = "secure", gettext_noop("Secure children's home")
    KINSHIP = "kinship", gettext_noop("Kinship care")
    SUPPORTED_LIVING = "supported_living", gettext_noop("Supported living")
    OTHER = "other", gettext_noop("Other")


class LocationKind(models.TextChoices):
    HOME = "home", "Home address"
    PLACEMENT = "placement", "Placement"
    FREQUENTED = "frequented", "Place frequented"
    FOUND = "found", "Where found"
    SCHOOL = "school", "School"
    CONCERN = "concern", "Place of concern"
    OTHER = "other", "Other"


class Location(models.Model):
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="locations")
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    name = models.CharField(max_length=200, blank=True, help_text="e.g. the care home's name")
    address_line = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    beat = models.CharField(max_length=40, blank=True, help_text="Neighbourhood or patrol beat code")
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    operated_by = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="operated_locations"
    )
    description = models.TextField(blank=True, help_text="What the place is and why it matters")

    class Meta:
        indexes = [models.Index(fields=["force", "beat"]), models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        parts = [self.name, self.address_line, self.town, self.postcode]
        return ", ".join(p for p in parts if p)


class Child(models.Model):
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="children")
    ref = models.CharField(
        max_length=40, help_text="The force's reference for the child (misper/1 child.ref)"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, default=Ethnicity.NS)
    description = models.TextField(blank=True, help_text="Height, build, hair, distinguishing marks")
    photo = models.FileField(upload_to="photos/", blank=True)
    languages = models.CharField(max_length=200, blank=True)
    disabilities = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    social_media = models.TextField(blank=True)
    medical_needs = models.TextField(blank=True)
    # Care status
    looked_after = models.BooleanField(default=False)
    placement_type = models.CharField(
        max_length=20, choices=PlacementType.choices, default=PlacementType.HOME
    )
    placing_authority = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="children_placed"
    )
    host_authority = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="children_hosted"
    )
    care_provider = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="residents"
    )
    placement_address = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="placed_children"
    )
    home_address = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="home_children"
    )
    out_of_area = models.BooleanField(default=False)
    placed_since = models.DateField(null=True, blank=True)
    social_worker_name = models.CharField(max_length=100, blank=True)
    social_worker_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "children"
        constraints = [models.UniqueConstraint(fields=["force", "ref"], name="child_ref_unique_per_force")]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, *, fetch_mode: Any = None) -> Child:
        """Every child loaded during a request is noted as revealed by it, so the response's access
        event is written by construction (``misper.audit.reveal``, ``misper.audit.middleware``)."""
        child = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        child_loaded(child.pk)
        return child

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return self.estimated_age
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class ChildAlias(models.Model):
    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        NICKNAME = "nickname", "Nickname"
        PREVIOUS_NAME = "previous_name", "Previous name"
        SPELLING = "spelling", "Other spelling"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ALIAS)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class VulnerabilityFlag(models.Model):
    """A dated vulnerability (misper/1 vulnerability code) with where it came from and when it expires."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(max_length=40)
    source = models.CharField(max_length=200, blank=True, help_text="Who told us, e.g. children's services")
    source_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL)
    noted_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    police_only = models.BooleanField(default=False, help_text="Never shown to partner agencies")
    review_on = models.DateField(null=True, blank=True, help_text="When the flag is next looked at")
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expired_at = models.DateTimeField(null=True, blank=True)
    expired_reason = models.TextField(blank=True)
    expired_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["child", "code"])]

    def __str__(self) -> str:
        return self.code

    def is_current(self, day: date) -> bool:
        """In force on ``day``: noted by then, not past its expiry date, and not expired by hand before
        ``day`` ended (a flag expired today no longer counts for a report made today)."""
        if self.expired_at is not None and self.expired_at.date() <= day:
            return False
        return self.noted_on <= day and (self.expires_on is None or self.expires_on >= day)


class ChildLocation(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="places")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="child_links")
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    notes = models.CharField(max_length=200, blank=True)


class PersonKind(models.TextChoices):
    ADULT = "adult", "Adult"
    PEER = "peer", "Another young person"


class Associate(models.Model):
    """A person linked to one or more children. Their records are police-only intelligence."""

    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.ADULT)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="associates")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    flags = models.JSONField(default=list, blank=True, help_text="misper/1 associate flags")
    description = models.TextField(blank=True)
    intelligence_notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return self.estimated_age
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Relationship(models.TextChoices):
    BOYFRIEND = "boyfriend", "Boyfriend"
    PARTNER = "partner", "Partner"
    ASSOCIATE = "associate", "Associate"
    FAMILY = "family", "Family"
    FRIEND = "friend", "Friend"
    UNKNOWN = "unknown", "Not known"


class Concern(models.TextChoices):
    """Why police are concerned about a person linked to a child (``misper/1`` associate ``concern``)."""

    SUSPECTED_EXPLOITER = "suspected_exploiter", "Suspected of exploiting children"
    SUSPECTED_SEXUAL_EXPLOITER = "suspected_sexual_exploiter", "Suspected of sexually exploiting children"
    SUSPECTED_CRIMINAL_EXPLOITER = (
        "suspected_criminal_exploiter",
        "Suspected of criminally exploiting children",
    )
    REGISTERED_SEX_OFFENDER = "registered_sex_offender", "Registered sex offender"
    VIOLENT_OFFENDER = "violent_offender", "Violent offender"
    OLDER_BOYFRIEND = "older_boyfriend", "Much older boyfriend or girlfriend"
    OTHER = "other", "Another concern (see the notes)"


class Reliability(models.TextChoices):
    """How far the source can be relied on (the 3x5x2 intelligence grading's source evaluation)."""

    RELIABLE = "reliable", "Reliable"
    UNTESTED = "untested", "Untested"
    NOT_RELIABLE = "not_reliable", "Not reliable"


class ChildAssociateQuerySet(models.QuerySet["ChildAssociate"]):
    def current(self) -> ChildAssociateQuerySet:
        """Links not ended: the ones the engine, the board, the profile and the pages count."""
        return self.filter(ended_at__isnull=True)


class ChildAssociate(models.Model):
    """A person of concern linked to a child. Ending a link (``people.concern.associate_link_end``) keeps
    it on file with who ended it and why; only current links count (``ChildAssociate.objects.current()``)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="associate_links")
    associate = models.ForeignKey(Associate, on_delete=models.CASCADE, related_name="child_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.UNKNOWN)
    of_concern = models.BooleanField(default=False)
    noted_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    concern = models.CharField(max_length=40, choices=Concern.choices, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Who says so")
    reliability = models.CharField(
        max_length=20, choices=Reliability.choices, default=Reliability.UNTESTED, blank=True
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = ChildAssociateQuerySet.as_manager()

    class Meta:
        constraints = [
            # One current link per child and person; ended links stay on file beside a new one.
            models.UniqueConstraint(
                fields=["child", "associate"],
                condition=models.Q(ended_at__isnull=True),
                name="child_associate_unique_current",
            ),
        ]


class AbductionWarningNotice(models.Model):
    """A child abduction warning notice (CAWN) issued to an adult about a child."""

    associate = models.ForeignKey(Associate, on_delete=models.CASCADE, related_name="cawns")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cawns")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    breaches = models.JSONField(default=list, blank=True, help_text="Dates and notes of breaches")
    follow_up = models.TextField(blank=True)


class ChildNameKey(models.Model):
    """One name part of a child (given, family, preferred name or an alias), normalised for search.

    A derived index, rebuilt by ``misper.people.search.child_name_keys_refresh`` whenever a child or
    alias is saved: lower-case ``name`` (exact and prefix matches; on PostgreSQL also a trigram index
    for misspellings), ``metaphone`` and ``soundex`` codes (sound-alikes). Never edited by hand.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="name_keys")
    name = models.CharField(max_length=100)
    metaphone = models.CharField(max_length=40)
    soundex = models.CharField(max_length=4)

    class Meta:
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["metaphone"]),
            models.Index(fields=["soundex"]),
        ]
