"""The plugins' own validators refuse a pack in the UI language: Chinese msgid, English translation.

``cunwu.policy.messages`` shows a validator's ``ValueError`` as raised, so the plugins raise gettext
strings translated at validation time (the request's language); each refusal names the key path.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from cunwu.policy.packs import PackRefused, validate_pack
from tests.conftest import PACKS

ALPHA = (PACKS / "alpha.toml").read_text(encoding="utf-8")


def _step(code: str, kind: str = "procedure", extra: str = "") -> str:
    return f'{{ code = "{code}", name = "步骤", kind = "{kind}", roles = ["village_secretary"]{extra} }}'


def _rules(*rows: tuple[str, int]) -> str:
    lines = ", ".join(
        f'{{ code = "{code}", behaviour = "行为", points = {points} }}' for code, points in rows
    )
    return f"rules = [{lines}]"


def _steps(*steps: str) -> str:
    return f"steps = [{', '.join(steps)}]"


CRITERIA = (
    'criteria = [{ code = "cost", name = "造价", weight = 1 }, { code = "cost", name = "效益", weight = 1 }]'
)
OVERRIDE = '\n[[plugins.points.village_overrides]]\nvillage = "hongyang"\n'
CASES = [
    (
        "[plugins.points]\n" + _rules(("a", 0)),
        "plugins.points.rules[0].points",
        "分值不能为 0",
        "Points must not be 0",
    ),
    (
        "[plugins.points]\n" + _rules(("a", 1), ("b", 2), ("a", 3)),
        "plugins.points.rules",
        "规则代码重复: a",
        "Repeated rule codes: a",
    ),
    (
        "[plugins.points.redemption]\ndays_of_month = [32]",
        "plugins.points.redemption.days_of_month",
        "兑换日须为 1–31 之间的日期, 至少一个",
        "Redemption days must be days 1–31, at least one",
    ),
    (
        "[plugins.points.redemption]\nmonths = [13]",
        "plugins.points.redemption.months",
        "月份须为 1–12",
        "Months must be 1–12",
    ),
    (
        "[plugins.points]\n" + OVERRIDE + OVERRIDE,
        "plugins.points",
        "每个村只能有一组覆盖规则",
        "Each village may have only one set of overrides",
    ),
    (
        "[plugins.projects]\n" + _steps(_step("plan", extra=', documents = ["方案", "方案"]')),
        "plugins.projects.steps[0]",
        "材料不能重复",
        "Documents must not repeat",
    ),
    (
        "[plugins.projects.scoring]\n" + CRITERIA,
        "plugins.projects.scoring",
        "评分项代码不能重复",
        "Criterion codes must not repeat",
    ),
    (
        "[plugins.projects]\n" + _steps(_step("plan"), _step("plan")),
        "plugins.projects",
        "步骤代码不能重复",
        "Step codes must not repeat",
    ),
    (
        "[plugins.projects]\n" + _steps(_step("plan", extra=', returns_to = "review"'), _step("review")),
        "plugins.projects",
        "步骤 plan: returns_to 须为其前面的步骤",
        "Step plan: returns_to must name an earlier step",
    ),
    (
        "[plugins.projects]\n" + _steps(_step("build", "implementation"), _step("again", "implementation")),
        "plugins.projects",
        "implementation 步骤至多一个",
        "At most one implementation step",
    ),
    (
        "[plugins.projects]\n" + _steps(_step("settle", "settlement"), _step("build", "implementation")),
        "plugins.projects",
        "结算步骤 (settlement) 须在实施步骤 (implementation) 之后",
        "The settlement step must follow the implementation step",
    ),
]


def _messages(source: str, language: str) -> list[tuple[str, str]]:
    with translation.override(language), pytest.raises(PackRefused) as refused:
        validate_pack(source)
    return [(problem.path, problem.message) for problem in refused.value.problems]


@pytest.mark.parametrize(("table", "path", "chinese", "english"), CASES)
def test_a_plugin_validator_refuses_in_the_ui_language(table, path, chinese, english):
    source = ALPHA.replace("[bodies]", f"{table}\n\n[bodies]", 1)
    assert _messages(source, "zh-hans") == [(path, chinese)]
    assert _messages(source, "en") == [(path, english)]


@pytest.mark.django_db
def test_the_operator_api_refuses_in_the_request_language(public_schema, host_client):
    """Through the operator's API the message follows the request's Accept-Language."""
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_user(username="op-messages", password="x", is_staff=True)
    client = host_client(None)
    client.force_login(operator)
    source = ALPHA.replace("[bodies]", "[plugins.points]\n" + _rules(("a", 0)) + "\n\n[bodies]", 1)
    for language, message in (("zh-hans", "分值不能为 0"), ("en", "Points must not be 0")):
        response = client.post("/api/counties/", {"source": source}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        problems = [(p["path"], p["message"]) for p in response.json()["problems"]]
        assert problems == [("plugins.points.rules[0].points", message)]
