"""The 2016 inspection's recommendations to forces, paraphrased, for seeding the tracker.

Source: HMIC (2016) "Missing children: who cares? The police response to missing and absent children".
These are short paraphrases of public policy text (no people), grouped by theme; the references
(HMIC16-01 …) are misper's own numbering, not the report's. Check the wording against the published
report before quoting it to a scrutiny panel (docs/recommendations.md).
"""

from __future__ import annotations

SOURCE = "HMIC 2016 Missing children: who cares?"

RECOMMENDATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "HMIC16-01",
        "recommendation",
        "Make sure every report of a missing or absent child gets a response based on an assessment of the "
        "risk to that child, using everything the force already knows about them when the call comes in, "
        "and that initial gradings are checked by a supervisor.",
    ),
    (
        "HMIC16-02",
        "recommendation",
        "Review how the 'absent' category is used: children at risk of exploitation or harm, or who go missing "
        "repeatedly, should not be left as 'absent', and absent cases must be reviewed and escalated.",
    ),
    (
        "HMIC16-03",
        "recommendation",
        "Make sure officers and staff recognise that going missing can be a sign of sexual exploitation and "
        "other abuse, treat the child as a possible victim, and do not record them in language that blames them.",
    ),
    (
        "HMIC16-04",
        "recommendation",
        "Make sure a safe-and-well check is done and recorded when every missing child is found, capturing "
        "the child's own account and why they went, and that what is learned is acted on.",
    ),
    (
        "HMIC16-05",
        "recommendation",
        "Work with local authorities so that return home interviews are offered and done, and their findings "
        "come back to the police and are used to plan for the child.",
    ),
    (
        "HMIC16-06",
        "recommendation",
        "Make sure the force knows which children have been placed in its area by other local authorities, "
        "and shares what it knows with host authorities and care homes.",
    ),
    (
        "HMIC16-07",
        "area_for_improvement",
        "Record missing and absent episodes accurately so the force understands the scale and nature of the "
        "problem in its area, and can share reliable figures nationally.",
    ),
    (
        "HMIC16-08",
        "recommendation",
        "Make sure missing-child investigations are supervised, reviewed at set intervals and keep a clear "
        "owner across shifts, so that non-urgent cases do not drift.",
    ),
    (
        "HMIC16-09",
        "area_for_improvement",
        "Adopt the updated national guidance and training on missing children, including risk assessment and "
        "the definitions of missing and absent.",
    ),
    (
        "HMIC16-10",
        "area_for_improvement",
        "Seek out and listen to the views and experiences of children who go missing, and use them to judge "
        "whether the force's response is improving.",
    ),
)
