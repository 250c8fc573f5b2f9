"""The 评分条例: each village's effective rules table, versioned, every change posted as a 公示.

Every village gets its own materialised table (the county's table with the village's overrides applied),
so looking a rule up is one indexed query and a village's history is its own list of versions. A table
that did not change creates nothing: onboarding can be re-run at will.

A village's 积分制 working group may revise its own table (:func:`revise_village_table`). Re-applying the
county's pack keeps such a revision as long as the pack's table for that village is the one the pack
last applied; once the county changes it, the county's new policy replaces the revision (a new version,
posted as usual).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from pydantic_core import ErrorDetails

from cunwu.audit.services import record
from cunwu.disclosure.models import Notice
from cunwu.disclosure.services import post_notice
from cunwu.orgs.models import OrgUnit
from cunwu.policy.messages import message_for
from cunwu_points.errors import PointsError
from cunwu_points.models import Rule, RuleVersion
from cunwu_points.parameters import PointsParameters, RuleSpec

RULE_FIELDS = ("behaviour", "points", "category", "evidence_required", "limit_per_period", "limit_period")


def effective_table(parameters: PointsParameters, village: OrgUnit) -> list[RuleSpec]:
    """The county's table with this village's additions, replacements and switched-off rules applied."""
    table = {rule.code: rule for rule in parameters.rules}
    override = _override_for(parameters, village)
    if override is not None:
        unknown = [code for code in override.disabled_rules if code not in table]
        if unknown:
            raise PointsError(_("村规则覆盖停用了不存在的条目: %s") % ", ".join(unknown))
        for code in override.disabled_rules:
            del table[code]
        table.update({rule.code: rule for rule in override.rules})
    return list(table.values())


def _override_for(parameters: PointsParameters, village: OrgUnit):
    return parameters.override_for(village.code) or parameters.override_for(village.path)


def _as_json(table: list[RuleSpec]) -> list[dict[str, Any]]:
    return [rule.model_dump(mode="json") for rule in sorted(table, key=lambda r: r.code)]


def _digest(table: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(table, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def change_lines(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """What ``new`` adds, changes and switches off compared with ``old`` (tables as stored on versions)."""
    before = {rule["code"]: rule for rule in old}
    after = {rule["code"]: rule for rule in new}
    lines = []
    for code, rule in after.items():
        if code not in before:
            lines.append(_("新增: %(behaviour)s %(points)s分") % rule)
        elif before[code] != rule:
            lines.append(_("调整: %(behaviour)s %(points)s分") % rule)
    lines += [_("停用: %(behaviour)s") % rule for code, rule in before.items() if code not in after]
    return lines


def _table_text(table: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{index}. [{rule['category'] or _('其他')}] {rule['behaviour']}  {float(rule['points']):+g}分"
        for index, rule in enumerate(table, start=1)
    )


def current_version(village: OrgUnit | None, *, lock: bool = False) -> RuleVersion | None:
    """The village's current version; ``lock`` holds it until the transaction ends (one change at a time)."""
    versions = RuleVersion.objects.select_for_update() if lock else RuleVersion.objects.all()
    return versions.filter(village=village).order_by("-number").first()


def apply_table(
    village: OrgUnit | None,
    table: list[RuleSpec],
    *,
    actor: Any,
    notice_days: int,
    source: str = RuleVersion.Source.PACK,
) -> RuleVersion | None:
    """Make ``table`` the current table of ``village`` (``None``: the county's reference table).

    Returns the new version, or ``None`` when the table is unchanged. A village's new version is posted
    as a 公示 listing what was added, changed and switched off, followed by the whole table. ``source``
    says whether the county's pack or the village's working group made it.
    """
    rows = _as_json(table)
    digest = _digest(rows)
    with transaction.atomic():
        latest = current_version(village, lock=True)
        if latest is not None and latest.sha256 == digest:
            return None
        # A village revision remembers the pack table it revised (see _apply_pack_table).
        inherited = latest.pack_sha256 if latest else ""
        pack_sha256 = digest if source == RuleVersion.Source.PACK else inherited
        version = RuleVersion.objects.create(
            village=village,
            number=(latest.number + 1) if latest else 1,
            table=rows,
            sha256=digest,
            source=source,
            pack_sha256=pack_sha256,
        )
        Rule.objects.filter(village=village, active=True).update(active=False)
        Rule.objects.bulk_create(
            Rule(
                version=version, village=village, code=spec.code, **spec.model_dump(include=set(RULE_FIELDS))
            )
            for spec in table
        )
        record(
            actor=actor,
            action="points.rules_changed",
            target=version,
            after={"table": rows, "source": source},
        )
        if village is not None:
            change = "\n".join(change_lines(latest.table if latest else [], rows))
            post_notice(
                org_unit=village,
                title=_("%(village)s积分制评分条例(第%(number)s版)")
                % {"village": village.name, "number": version.number},
                body=f"{change}\n\n{_('现行评分条例')}:\n{_table_text(rows)}",
                min_days=notice_days,
                actor=actor,
                subject=version,
                kind="points_rules",
            )
    return version


def _apply_pack_table(
    village: OrgUnit, table: list[RuleSpec], *, actor: Any, notice_days: int
) -> RuleVersion | None:
    """The pack's effective table for ``village``, unless the village's own revision still stands.

    A revision stands while the pack's table is the one the pack last applied to the village
    (``pack_sha256``). When the county has changed it, its new policy wins; should the new table be the
    village's table already, nothing is posted and the version only records that the pack caught up.
    """
    digest = _digest(_as_json(table))
    with transaction.atomic():
        latest = current_version(village, lock=True)
        if latest is not None and latest.source == RuleVersion.Source.VILLAGE:
            if latest.pack_sha256 == digest:
                return None
            if latest.sha256 == digest:
                RuleVersion.objects.filter(pk=latest.pk).update(pack_sha256=digest)
                return None
        return apply_table(village, table, actor=actor, notice_days=notice_days)


def apply_parameters(parameters: PointsParameters, *, actor: Any) -> list[RuleVersion]:
    """Load the county's table and every village's effective table (idempotent).

    A village's own revision survives re-applying the same pack (see :func:`_apply_pack_table`).
    """
    villages = list(OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE))
    known = {v.code for v in villages} | {v.path for v in villages}
    unknown = [o.village for o in parameters.village_overrides if o.village not in known]
    if unknown:
        raise PointsError(_("规则覆盖指向不存在的村: %s") % ", ".join(unknown))
    changed = [apply_table(None, parameters.rules, actor=actor, notice_days=parameters.notice_days)]
    for village in villages:
        table = effective_table(parameters, village)
        changed.append(_apply_pack_table(village, table, actor=actor, notice_days=parameters.notice_days))
    return [version for version in changed if version is not None]


def rule_for(village: OrgUnit, code: str) -> Rule:
    """The village's current rule with ``code``; a clear error when there is none."""
    rule = Rule.objects.filter(village=village, active=True, code=code).first()
    if rule is None:
        raise PointsError(_("本村评分条例中没有条目“%s”。") % code)
    return rule


def current_rules(village: OrgUnit):
    return Rule.objects.filter(village=village, active=True)


@dataclass(frozen=True)
class HistoryEntry:
    """A version as the history page shows it: what changed from the one before, and its 公示."""

    version: RuleVersion
    changes: list[str]
    notice: Notice | None


def history(village: OrgUnit, versions: Sequence[RuleVersion]) -> list[HistoryEntry]:
    """``versions`` of ``village`` (a page of them, any order) with their changes and 公示, in 3 queries."""
    numbers = {version.number - 1 for version in versions} - {version.number for version in versions}
    tables = {v.number: v.table for v in versions}
    tables.update(
        RuleVersion.objects.filter(village=village, number__in=numbers).values_list("number", "table")
    )
    notices = {
        notice.subject_id: notice
        for notice in Notice.objects.filter(
            subject_type=ContentType.objects.get_for_model(RuleVersion),
            subject_id__in=[str(version.pk) for version in versions],
            kind="points_rules",
        )
        .select_related("posted_by")
        .order_by("id")  # a correction comes after the notice it corrects
    }
    return [
        HistoryEntry(
            version=version,
            changes=change_lines(tables.get(version.number - 1, []), version.table),
            notice=notices.get(str(version.pk)),
        )
        for version in versions
    ]


REVISERS = ("village_secretary", "points_reviewer")


def revise_village_table(village: OrgUnit, table: list[dict[str, Any]], *, actor: Any) -> RuleVersion | None:
    """The village's 积分制 working group revises its own table (制定、修订): validated, versioned, posted.

    The whole table is given (rules left out are switched off). A refused table changes nothing. The
    revision outlives re-applying the county's pack until the pack's table for the village changes; then
    the county's new policy replaces it (see :func:`apply_parameters`).
    """
    from pydantic import TypeAdapter, ValidationError

    from cunwu.roles.permissions import has_role
    from cunwu_points.parameters import RuleTable
    from cunwu_points.policy import parameters

    if not has_role(actor, *REVISERS, org_unit=village):
        raise PointsError(_("只有本村积分制执行组可以修订评分条例。"))
    try:
        specs = TypeAdapter(RuleTable).validate_python(table)
    except ValidationError as exc:
        raise PointsError(_describe_error(exc.errors()[0])) from exc
    if not specs:
        raise PointsError(_("评分条例不能为空。"))
    return apply_table(
        village, specs, actor=actor, notice_days=parameters().notice_days, source=RuleVersion.Source.VILLAGE
    )


def _describe_error(error: ErrorDetails) -> str:
    """pydantic's first error in words a cadre can act on: which line, which field, what is wrong."""
    reason = message_for(error)
    location = error["loc"]
    if len(location) < 2 or not isinstance(location[0], int):
        return _("评分条例有误: %s") % reason
    name = str(location[1])
    field = str(Rule._meta.get_field(name).verbose_name) if name in (*RULE_FIELDS, "code") else name
    return _("评分条例第%(row)s条“%(field)s”有误: %(reason)s") % {
        "row": location[0] + 1,
        "field": field,
        "reason": reason,
    }
