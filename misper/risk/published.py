"""Published grade mixes a force's gradings (and the engine's recommendations on the demo force) are
compared with. Pure constants, one place: the dashboard's grade mix figure and the demo's calibration
test read them here.

- Thames Valley Police study of 5,984 missing and absent cases (2015): 16% graded high, 68% medium, 13% low
  (as cited in HMIC 2016, *Missing children: who cares?*).
- College of Policing, quoted by HMIC (2016): of about 12 reports a day in a typical force, just under 9
  are graded medium (about 70-75%).
"""

from typing import Final

SOURCE: Final = (
    "Thames Valley Police study of 5,984 cases (2015), and the College of Policing figure quoted by "
    "HMIC (2016) Missing children: who cares?"
)
THAMES_VALLEY_2015: Final = {"high": 0.16, "medium": 0.68, "low": 0.13}
# The ranges misper holds itself to, from the two figures above.
GRADE_MIX_HIGH: Final = (0.10, 0.20)
GRADE_MIX_MEDIUM: Final = (0.60, 0.75)
