"""Throwaway counties for the benchmarks, made from the test pack through the real onboarding path."""

from __future__ import annotations

from pathlib import Path

PACK = (Path(__file__).parents[1] / "packs" / "alpha.toml").read_text(encoding="utf-8")


def pack_for(slug: str) -> str:
    return PACK.replace('slug = "alpha"', f'slug = "{slug}"').replace("alpha.localhost", f"{slug}.localhost")


def onboard_county(slug: str):
    from cunwu.policy.packs import validate_pack
    from cunwu.tenancy.onboarding import onboard

    return onboard(validate_pack(pack_for(slug)), actor="bench").county
