"""``make bench`` = ``python -m tests.bench``: run every ``tests/bench/bench_*.py`` and print their lines.

Each module has ``run() -> list[str]``; each line reads ``bench: <name> <value> <unit>`` and, where a
baseline ran in the same process, ``ratio=<x>`` — for a rate, ours ÷ baseline (higher is better); for a
duration, ours ÷ baseline (lower is better); the line says which baseline.

Everything runs in a throwaway database (``bench_cunwu_<pid>``, created and dropped here) on the server
of ``DATABASE_URL`` or the embedded one: the development database and its demo counties are never
touched.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

# Run first, in this order (the import and points benches come after, alphabetically).
FIRST = ["bench_onboarding", "bench_routing"]


def bench_modules(only: list[str]) -> list[str]:
    """Every ``bench_*`` module, or those named on the command line (``python -m tests.bench bench_routing``)."""
    found = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    ordered = [name for name in FIRST if name in found] + [name for name in found if name not in FIRST]
    return [name for name in ordered if not only or name in only]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cunwu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    settings.DATABASES["default"]["TEST"]["NAME"] = f"bench_cunwu_{os.getpid()}"
    databases = setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set())
    failed = False
    try:
        for name in bench_modules(sys.argv[1:]):
            module = importlib.import_module(f"tests.bench.{name}")
            try:
                for line in module.run():
                    print(line, flush=True)
            except Exception as exc:  # one broken benchmark must not hide the others' figures
                failed = True
                print(f"bench: {name} FAILED {type(exc).__name__}: {exc}", flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        teardown_databases(databases, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
