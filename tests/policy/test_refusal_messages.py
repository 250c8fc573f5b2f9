"""A refused pack says why in the UI language: Chinese first, English through gettext, by error type.

Each refusal names the key path; pydantic's English messages are reworded by error type, a validator's
own ``ValueError`` keeps its text, and a type we do not know keeps pydantic's message.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation
from pydantic import BaseModel, ValidationError, field_validator

from cunwu.policy.messages import TEMPLATES, message_for
from cunwu.policy.packs import PackProblem, PackRefused, validate_pack
from tests.conftest import PACKS

ALPHA = (PACKS / "alpha.toml").read_text(encoding="utf-8")
BAD = ALPHA.replace("[bodies]", "[bodies]\nsaets = 3").replace("population = 3200", "population = -1")


def refusal(source: str, language: str) -> list[PackProblem]:
    with translation.override(language), pytest.raises(PackRefused) as refused:
        validate_pack(source)
    return refused.value.problems


def test_a_refusal_names_the_key_path_in_chinese_and_in_english():
    assert [(p.path, p.message) for p in refusal(BAD, "zh-hans")] == [
        ("townships[0].villages[0].population", "应大于或等于 0"),
        ("bodies.saets", "不认识的键"),
    ]
    assert [(p.path, p.message) for p in refusal(BAD, "en")] == [
        ("townships[0].villages[0].population", "Input should be greater than or equal to 0"),
        ("bodies.saets", "Unknown key"),
    ]


POINTS = "\n[plugins.points]\n"
RULE = 'rules = [{ code = "a", behaviour = "b", points = %s }]\n'


@pytest.mark.parametrize(
    ("mutation", "path", "error_type", "chinese"),
    [
        (('name = "甲县"', ""), "county.name", "missing", "缺少必填项"),
        (('name = "甲县"', "name = 5"), "county.name", "string_type", "应为字符串"),
        (('name = "甲县"', 'name = " "'), "county.name", "string_too_short", "至少 1 个字符"),
        (('name = "甲县"', f'name = "{"县" * 101}"'), "county.name", "string_too_long", "至多 100 个字符"),
        (
            ('slug = "alpha"', 'slug = "Alpha"'),
            "county.slug",
            "string_pattern_mismatch",
            "格式不符，应匹配 ^[a-z][a-z0-9]{1,39}$",
        ),
        (("demo = true", 'demo = "maybe"'), "county.demo", "bool_parsing", "应为 true 或 false"),
        (("demo = true", "demo = 2.5"), "county.demo", "bool_type", "应为 true 或 false"),
        (
            ("population = 3200", 'population = "many"'),
            "townships[0].villages[0].population",
            "int_parsing",
            "应为整数",
        ),
        (
            ("population = 3200", "population = 3200.5"),
            "townships[0].villages[0].population",
            "int_from_float",
            "应为整数，不能有小数部分",
        ),
        (
            ("population = 3200", "population = nan"),
            "townships[0].villages[0].population",
            "finite_number",
            "应为有限的数字",
        ),
        (
            ("population = 3200", "population = 2026-01-01"),
            "townships[0].villages[0].population",
            "int_type",
            "应为整数",
        ),
        (
            ('effective_from = "2026-01-01"', 'effective_from = "2026-13-01"'),
            "policy.effective_from",
            "date_from_datetime_parsing",
            "应为 YYYY-MM-DD 格式的日期",
        ),
        (
            ('effective_from = "2026-01-01"', "effective_from = 2026-01-01T08:00:00"),
            "policy.effective_from",
            "date_from_datetime_inexact",
            "应为日期，不能带时间",
        ),
        (
            ('kind = "community"', 'kind = "hamlet"'),
            "townships[0].villages[1].kind",
            "literal_error",
            "应为以下值之一：'village', 'community'",
        ),
        (
            ('groups = ["一组", "二组"]', 'groups = "一组"'),
            "townships[0].villages[0].groups",
            "list_type",
            "应为列表",
        ),
        (
            ("seats = { villagers_council = 25 }", "seats = 25"),
            "townships[0].villages[1].seats",
            "dict_type",
            "应为表(TOML table)",
        ),
        (("[county]", "personal_data = 3\n\n[county]"), "personal_data", "model_type", "应为表(TOML table)"),
        (
            ("quorum = { villagers_council = 0.5 }", 'quorum = { villagers_council = "half" }'),
            "bodies.quorum.villagers_council",
            "float_parsing",
            "应为数字",
        ),
        (
            ("[bodies]", "[plugins.points]\nlist_size = 101\n\n[bodies]"),
            "plugins.points.list_size",
            "less_than_equal",
            "应小于或等于 100",
        ),
        (
            ("[bodies]", POINTS + RULE % "1.234" + "\n[bodies]"),
            "plugins.points.rules[0].points",
            "decimal_max_places",
            "小数至多 2 位",
        ),
        (
            ("[bodies]", POINTS + RULE % '"x"' + "\n[bodies]"),
            "plugins.points.rules[0].points",
            "decimal_parsing",
            "应为数字",
        ),
        (
            ("[bodies]", "[plugins.points]\nenabled = 1\n\n[bodies]"),
            "plugins.points.enabled",
            "bool_type",
            "应为 true 或 false",
        ),
        (
            ("[bodies]", "[plugins.nosuch]\n\n[bodies]"),
            "plugins.nosuch",
            "unknown_plugin",
            "没有这个插件(已安装：",
        ),
        (("[bodies]", "[bodies"), "", "toml_syntax", "不是有效的 TOML："),
    ],
)
def test_each_error_type_is_reworded_in_chinese_and_english(mutation, path, error_type, chinese):
    source = ALPHA.replace(*mutation, 1)
    assert source != ALPHA
    [problem] = [p for p in refusal(source, "zh-hans") if p.path == path]
    assert problem.type == error_type
    assert problem.message.startswith(chinese)
    [english] = [p for p in refusal(source, "en") if p.path == path]
    assert english.message != problem.message and english.message.isascii()


def test_every_template_has_an_english_translation():
    with translation.override("en"):
        untranslated = [kind for kind, template in TEMPLATES.items() if not str(template).isascii()]
    assert untranslated == []


def test_a_validators_own_message_is_kept_and_an_unknown_type_keeps_pydantics():
    class Rule(BaseModel):
        points: int

        @field_validator("points")
        @classmethod
        def _not_zero(cls, value: int) -> int:
            if value == 0:
                raise ValueError("分值不能为 0")
            return value

    with pytest.raises(ValidationError) as invalid:
        Rule.model_validate({"points": 0})
    assert message_for(invalid.value.errors()[0]) == "分值不能为 0"  # not "Value error, 分值不能为 0"
    unknown = {"type": "url_parsing", "loc": ("x",), "msg": "Input should be a valid URL", "input": "x"}
    assert message_for(unknown) == "Input should be a valid URL"


def test_manage_py_onboard_prints_the_refusal(tmp_path):
    pack = tmp_path / "bad.toml"
    pack.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("onboard", str(pack))
    assert "政策包被拒绝，未做任何改动" in str(refused.value)
    assert "  - bodies.saets: 不认识的键" in str(refused.value)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "<code>bodies.saets</code>：不认识的键"), ("en", "<code>bodies.saets</code>：Unknown key")],
)
def test_the_operators_page_shows_the_refusal_in_the_ui_language(
    public_schema, host_client, language, expected
):
    client = host_client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(get_user_model().objects.create_user("op", password="pw-test-12345", is_staff=True))
    response = client.post("/onboard/", {"source": BAD})
    assert response.status_code == 422
    assert expected in response.content.decode()
