"""The published figures the synthetic demo force is calibrated to.

Each constant names its source. The sources describe England and Wales as a whole; the demo force
is a "typical" force of about 1.5 million people, scaled from them. Where two published figures
cannot both hold exactly in one small data set, the comment says which one wins and why
(see also ``docs/demo-data.md``).

Sources, cited by short name below:

- NCA: National Crime Agency, UK Missing Persons Unit, "Missing Persons: Data Report" (annual,
  2015/16 to 2019/20 editions).
- HMIC 2016: HM Inspectorate of Constabulary, "Missing children: who cares? The police response to
  missing and absent children" (March 2016).
- DfE CLA: Department for Education, "Children looked after in England including adoption"
  (annual statistics; placement location and missing-from-placement tables).
- Still Running: The Children's Society, "Still Running 3" (2011), on repeat running and harm.
- Home Office 2011: "Missing Children and Adults: a cross-government strategy".
"""

from __future__ import annotations

from typing import Final

from misper.risk import published

# --- Volume -------------------------------------------------------------------------------------
# HMIC 2016: a typical force receives about 12 reports of missing children a day.
REPORTS_PER_DAY: Final = 12
# NCA: roughly 3 incidents per missing child a year (e.g. 2019/20: ~68,000 children, ~210,000
# incidents; a typical force is ~1/43 of England and Wales). HMIC 2016 "12 a day" gives ~4,400.
CHILD_EPISODES_PER_YEAR: Final = 4_400
CHILDREN_PER_YEAR: Final = 1_500
# NCA reports adults too; the brief for the demo keeps adults to about a tenth of all episodes so
# that dashboards must separate children (under 18 when reported) from adults.
ADULT_EPISODE_SHARE: Final = 0.10
# Adults go missing again less often than children (NCA: ~1.5 incidents per missing adult).
ADULT_EPISODES_PER_PERSON: Final = 1.4

# --- Age and sex --------------------------------------------------------------------------------
# NCA: 15-17-year-olds are the largest group, about 35% of all missing reports.
AGE_15_17_SHARE: Final = 0.35
# NCA: 12-14-year-olds are the next largest; under-12s a small share of reports.
AGE_12_14_SHARE: Final = 0.43
AGE_UNDER_12_SHARE: Final = 1 - AGE_15_17_SHARE - AGE_12_14_SHARE - ADULT_EPISODE_SHARE
# NCA: among under-12s more boys go missing; among 12-17s more girls.
UNDER_12_MALE_SHARE: Final = 0.60
AGE_12_17_FEMALE_SHARE: Final = 0.57
# A few people record another sex or none; NCA tables carry "unknown".
OTHER_OR_UNKNOWN_SEX_SHARE: Final = 0.005
ADULT_MALE_SHARE: Final = 0.62

# --- Care ---------------------------------------------------------------------------------------
# HMIC 2016 and NCA: looked-after children are about 1% of children but roughly 40% of missing
# children's episodes (they go missing more often, so they are a smaller share of the children).
FROM_CARE_EPISODE_SHARE: Final = 0.40
# DfE CLA: about 40% of looked-after children are placed outside their own council's area; for a
# host force, children placed in from other authorities are a large share of those in care.
OUT_OF_AREA_SHARE_OF_CARE: Final = 0.35
# DfE CLA (missing tables) and HMIC 2016: residential children's homes account for far more
# missing episodes than their ~10% share of placements; foster care for most of the rest.
CARE_PLACEMENT_WEIGHTS: Final = {
    "residential_home": 0.45,
    "foster": 0.40,
    "kinship": 0.06,
    "supported_living": 0.07,
    "secure": 0.02,
}

# --- Repeat missing -----------------------------------------------------------------------------
# NCA and Still Running: about half of missing children go missing more than once, and repeat
# runners account for most episodes, with a long tail (some children 20-40 episodes a year).
# Note: "about half of episodes involve a child missing before" cannot hold together with
# 4,400 episodes for 1,500 children (at least (4,400 - 1,500) / 4,400 = 66% of episodes are not a
# child's first). The demo keeps the volumes and makes about half of the *children* repeaters,
# so about two thirds of episodes involve a child who has been missing before.
REPEAT_CHILD_SHARE: Final = 0.50
REPEAT_EPISODE_SHARE: Final = 0.50  # the brief's figure; see the note above for what is achieved
MAX_EPISODES_PER_CHILD: Final = 40
# HMIC 2016 and the national definition of a "repeat" missing child: 3 or more in 90 days.
REPEAT_THRESHOLD_90_DAYS: Final = 3

# --- Duration and outcome -----------------------------------------------------------------------
# NCA: about 75% of missing children are found within 24 hours and most within 16 hours.
FOUND_WITHIN_24H_SHARE: Final = 0.75
FOUND_WITHIN_16H_SHARE: Final = 0.60
# NCA: a small share (2-4%) are missing for more than 72 hours (reported to the UKMPU).
# Home Office 2011 / NCA: about 96% of missing people come back without having come to harm.
UNHARMED_SHARE: Final = 0.96
# NCA and HMIC 2016: a few percent of missing children's episodes are flagged at risk of sexual
# exploitation (CSE) and a few at risk of criminal exploitation (county lines).
CSE_FLAGGED_EPISODE_SHARE: Final = 0.05
CCE_FLAGGED_EPISODE_SHARE: Final = 0.04
# HMIC 2016 found trigger plans were the exception: few children had one, even frequent runners. The demo
# agrees one for an exploited child after their third episode and for other children only when they are
# among the most frequent runners (this many episodes in the year).
TRIGGER_PLAN_MIN_EPISODES: Final = 12
# HMIC 2016: even children known to be at risk of exploitation often had no trigger plan.
TRIGGER_PLAN_EXPLOITED_SHARE: Final = 0.4
# HMIC 2016: exploited children were often found with the same adults; adults of concern are
# linked to several children (networks).
ASSOCIATE_CHILDREN_MIN: Final = 2
ASSOCIATE_CHILDREN_MAX: Final = 6

# --- Response -----------------------------------------------------------------------------------
# Statutory guidance on children who run away or go missing from home or care (DfE 2014): an
# independent return home interview within 72 hours of return.
RETURN_INTERVIEW_DUE_HOURS: Final = 72
# Children's Commissioner / Ofsted reports: roughly 60-70% of interviews done within 72 hours.
RETURN_INTERVIEW_COMPLETED_IN_TIME_SHARE: Final = 0.65
# College of Policing APP on missing persons: a safe and well check after every return.
SAFE_AND_WELL_SHARE: Final = 0.95
# HMIC 2016: open cases at any one time in a typical force.
OPEN_EPISODES_MIN: Final = 10
OPEN_EPISODES_MAX: Final = 25
# --- The grade mix the engine should give on this population ---------------------------------------
# Thames Valley Police study of 5,984 missing and absent cases (2015): 16% graded high, 68% medium, 13% low.
# HMIC 2016 quotes the College of Policing: of about 12 reports a day in a typical force, just under 9 (about
# 70-75%) are graded medium. The demo's engine recommendations must fall within these ranges.
GRADE_MIX_HIGH: Final = published.GRADE_MIX_HIGH  # misper.risk.published: one place for the ranges
GRADE_MIX_MEDIUM: Final = published.GRADE_MIX_MEDIUM
# HMIC 2016 found trigger plans the exception and adults of concern recorded for a minority of children;
# no published share exists, so the demo keeps each to well under a quarter of reports (it was 31% and 27%).
TRIGGER_PLAN_REPORT_SHARE_MAX: Final = 0.25
ADULT_OF_CONCERN_REPORT_SHARE_MAX: Final = 0.20
# HMIC 2016 found many under-graded cases; the demo has some, each with the operator's rationale.
UNDER_GRADED_SHARE: Final = 0.08
