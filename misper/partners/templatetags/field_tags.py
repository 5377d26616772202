"""``{% field_view child as fv %}``: what the signed-in user may see of ``child``'s record, by group
(``misper.partners.field_access``). Templates show a restricted field only under ``{% if fv.… %}``."""

from __future__ import annotations

from typing import Any

from django import template

from misper.partners.field_access import FieldView
from misper.partners.field_access import field_view as _field_view

register = template.Library()


@register.simple_tag(takes_context=True)
def field_view(context: Any, child: Any) -> FieldView:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return _field_view(user, child)
