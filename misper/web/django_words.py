"""Words Django itself shows on misper's pages whose Welsh is missing from Django's own catalogue (its
Welsh for ``timesince`` predates the current wording, and its list separator drops the space, which
runs "15 blynedd, 6 mis" together where a page cuts the comma). Marked here so that misper's catalogue
carries them; misper's catalogue comes before Django's (``LOCALE_PATHS``)."""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

TIMESINCE = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)
LIST_SEPARATOR = gettext_noop(", ")
