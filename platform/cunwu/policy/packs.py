"""Read and validate a policy pack. Nothing is written here: a pack is refused whole or accepted whole."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from cunwu.plugins.host import all_hooks, installed_plugins
from cunwu.policy.messages import TEMPLATES, message_for
from cunwu.policy.schema import PolicyPack


@dataclass
class PackProblem:
    """One reason a pack is refused: the key path (``plugins.points.rules[2].points``) and why.

    ``message`` is in the language active at validation; ``type`` is the stable, untranslated reason
    (pydantic's error type, or ``toml_syntax``, ``unknown_plugin``, ``file_not_found``) for API clients.
    """

    path: str
    message: str
    type: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PackRefused(Exception):
    """The pack does not validate; ``problems`` names every offending key."""

    def __init__(self, problems: list[PackProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class ValidatedPack:
    pack: PolicyPack
    plugin_parameters: dict[str, dict[str, Any]]
    enabled_plugins: list[str]
    source: str
    base_dir: Path | None = None
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        self.sha256 = hashlib.sha256(self.source.encode()).hexdigest()

    def as_json(self) -> dict[str, Any]:
        data = self.pack.model_dump(mode="json")
        data["plugins"] = {
            slug: {"enabled": slug in self.enabled_plugins, **params}
            for slug, params in self.plugin_parameters.items()
        }
        return data


def _location(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _reworded(path: str, error_type: str) -> PackProblem:
    """A problem found outside pydantic, worded as pydantic's error of the same type would be."""
    return PackProblem(path, str(TEMPLATES[error_type]), error_type)


def _problems(error: ValidationError, prefix: str = "") -> list[PackProblem]:
    found = []
    for item in error.errors():
        path = _location(item["loc"])
        full = f"{prefix}.{path}" if prefix and path else (prefix or path)
        found.append(PackProblem(full, message_for(item), item["type"]))
    return found


def plugin_parameter_models() -> dict[str, type[BaseModel] | None]:
    """Each installed plugin's parameter model, by slug."""
    manager_hook = all_hooks()
    models: dict[str, type[BaseModel] | None] = {}
    for slug in installed_plugins():
        plugin = manager_hook.cunwu_parameters_schema.get_hookimpls()
        impl = next((i for i in plugin if i.plugin_name == slug), None)
        models[slug] = impl.function() if impl else None
    return models


def validate_pack(source: str, base_dir: Path | None = None) -> ValidatedPack:
    """Parse and validate a pack's TOML text; raise :class:`PackRefused` naming every bad key."""
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        message = _("不是有效的 TOML：%(error)s") % {"error": exc}
        raise PackRefused([PackProblem("", message, "toml_syntax")]) from exc
    try:
        pack = PolicyPack.model_validate(raw)
    except ValidationError as exc:
        raise PackRefused(_problems(exc)) from exc

    problems: list[PackProblem] = []
    models = plugin_parameter_models()
    parameters: dict[str, dict[str, Any]] = {}
    enabled: list[str] = []
    for slug, table in pack.plugins.items():
        if slug not in models:
            message = _("没有这个插件(已安装：%(installed)s)") % {"installed": ", ".join(models)}
            problems.append(PackProblem(f"plugins.{slug}", message, "unknown_plugin"))
            continue
        table = dict(table)
        is_on = table.pop("enabled", True)
        if not isinstance(is_on, bool):
            problems.append(_reworded(f"plugins.{slug}.enabled", "bool_type"))
            continue
        model = models[slug]
        if model is None:
            if table:
                problems.append(_reworded(f"plugins.{slug}.{next(iter(table))}", "extra_forbidden"))
            parameters[slug] = {}
        else:
            try:
                parameters[slug] = model.model_validate(table).model_dump(mode="json")
            except ValidationError as exc:
                problems.extend(_problems(exc, prefix=f"plugins.{slug}"))
                continue
        if is_on:
            enabled.append(slug)
    if pack.residents_import and base_dir is not None and not (base_dir / pack.residents_import).is_file():
        message = _("找不到文件：%(path)s") % {"path": pack.residents_import}
        problems.append(PackProblem("residents_import", message, "file_not_found"))
    if problems:
        raise PackRefused(problems)
    return ValidatedPack(pack, parameters, sorted(enabled), source, base_dir)


def load_pack(path: Path) -> ValidatedPack:
    return validate_pack(path.read_text(encoding="utf-8"), base_dir=path.parent)
