"""Policy versions shown to people: canonical pretty JSON, and a line diff between two versions.

Keys are sorted and non-ASCII kept, so two versions print the same wherever they did not change and the
diff shows only real changes.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DiffLine:
    text: str
    kind: str  # "add", "del", "hunk" or "" for context


def pretty_json(pack: dict[str, Any]) -> str:
    return json.dumps(pack, ensure_ascii=False, indent=2, sort_keys=True)


def json_diff(old: dict[str, Any], new: dict[str, Any], *, old_name: str, new_name: str) -> list[DiffLine]:
    """Unified diff of two packs' pretty JSON; empty when they are equal."""
    lines = difflib.unified_diff(
        pretty_json(old).splitlines(),
        pretty_json(new).splitlines(),
        fromfile=old_name,
        tofile=new_name,
        lineterm="",
    )
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    return [
        DiffLine(line, "" if line.startswith(("+++", "---")) else kinds.get(line[:1], "")) for line in lines
    ]
