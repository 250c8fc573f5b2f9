"""Why a pack is refused, in the UI language: pydantic's errors, reworded by error type.

Pydantic's messages are English only. Following pydantic's own advice for custom messages, each error
``type`` maps to a template formatted with the error's ``ctx``; the templates are gettext strings with
the Chinese text as msgid, so the refusal is Chinese first and English through Django's i18n. A type
not listed (a future pydantic, an unusual plugin field) keeps pydantic's own message rather than none.

The messages are rendered in the language active when the pack is validated: the request's language
on the operator's page and API, ``settings.LANGUAGE_CODE`` in ``manage.py onboard``.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic_core import ErrorDetails

_TEXT = _("应为字符串")
_INTEGER = _("应为整数")
_NUMBER = _("应为数字")
_BOOLEAN = _("应为 true 或 false")
_DATE = _("应为 YYYY-MM-DD 格式的日期")
_TABLE = _("应为表(TOML table)")
_ONE_OF = _("应为以下值之一：%(expected)s")

# Every type the pack models can produce (str, int, float, bool, Decimal, date, Literal, list, dict,
# nested models, constraints, validators); tests/policy checks each one is reworded.
TEMPLATES: dict[str, Promise] = {
    "missing": _("缺少必填项"),
    "extra_forbidden": _("不认识的键"),
    "string_type": _TEXT,
    "string_too_short": _("至少 %(min_length)s 个字符"),
    "string_too_long": _("至多 %(max_length)s 个字符"),
    "string_pattern_mismatch": _("格式不符，应匹配 %(pattern)s"),
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_parsing_size": _("整数太大"),
    "int_from_float": _("应为整数，不能有小数部分"),
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "finite_number": _("应为有限的数字"),
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_max_digits": _("总位数至多 %(max_digits)s 位"),
    "decimal_max_places": _("小数至多 %(decimal_places)s 位"),
    "decimal_whole_digits": _("整数部分至多 %(whole_digits)s 位"),
    "bool_type": _BOOLEAN,
    "bool_parsing": _BOOLEAN,
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _("应为日期，不能带时间"),
    "literal_error": _ONE_OF,
    "enum": _ONE_OF,
    "greater_than": _("应大于 %(gt)s"),
    "greater_than_equal": _("应大于或等于 %(ge)s"),
    "less_than": _("应小于 %(lt)s"),
    "less_than_equal": _("应小于或等于 %(le)s"),
    "list_type": _("应为列表"),
    "too_short": _("至少 %(min_length)s 项，现有 %(actual_length)s 项"),
    "too_long": _("至多 %(max_length)s 项，现有 %(actual_length)s 项"),
    "dict_type": _TABLE,
    "model_type": _TABLE,
}

# A validator's own ValueError/AssertionError: its text is the message (a gettext string, translated
# when it was raised).
VALIDATOR_TYPES = {"value_error", "assertion_error"}


def _context(ctx: dict[str, Any]) -> dict[str, Any]:
    """``ctx`` ready for a template: pydantic's ``'a', 'b' or 'c'`` becomes a language-neutral list."""
    ready = dict(ctx)
    if isinstance(ready.get("expected"), str):
        ready["expected"] = ", ".join(ready["expected"].rsplit(" or ", 1))
    return ready


def message_for(error: ErrorDetails) -> str:
    """The message of one pydantic error in the active language (pydantic's own for unknown types)."""
    ctx = error.get("ctx") or {}
    if error["type"] in VALIDATOR_TYPES and "error" in ctx:
        return str(ctx["error"])
    template = TEMPLATES.get(error["type"])
    if template is None:
        return error["msg"]
    return str(template) % _context(ctx)
