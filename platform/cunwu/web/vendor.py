"""Copy the front-end assets installed by npm into ``cunwu/web/static/vendor`` (served locally, no CDN).

Run by ``make assets`` after ``npm install``; the copied files are not committed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
NODE_MODULES = REPO_ROOT / "node_modules"
TARGET = Path(__file__).resolve().parent / "static" / "vendor"

ASSETS = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts.min.js",
}


def copy_assets() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, name in ASSETS.items():
        shutil.copyfile(NODE_MODULES / source, TARGET / name)


if __name__ == "__main__":
    copy_assets()
