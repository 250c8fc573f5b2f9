"""``{% page_url n %}``: the current URL's query string with ``page`` set to ``n``.

Keeps every filter and search of a list page across pages without each view building a query string.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
