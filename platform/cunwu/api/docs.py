"""The API documentation page (Redoc), served entirely from this site's own static files.

drf-spectacular's stock template loads Google Fonts, an inline ``<style>`` and (with settings) an inline
script: all refused by our Content Security Policy, and the servers have no internet anyway. This view
keeps drf-spectacular's view (schema URL, title, ``REDOC_DIST = "SIDECAR"`` for the script, from
drf-spectacular-sidecar) and swaps the template for one that references only local static files.

Redoc needs three things beyond ``'self'``, granted on this page only (never ``'unsafe-inline'``):

* ``style-src 'nonce-…'``: Redoc styles its components with styled-components, which creates
  ``<style>`` elements at run time; Redoc's ``nonce`` option stamps them with the request's CSP nonce.
* ``style-src 'sha256-…'`` for the one stylesheet the bundle injects as it loads, before any option can
  give it the nonce: perfect-scrollbar's CSS (the element is inserted empty, then filled, so the empty
  string's hash too). A hash admits that exact text only. The sidecar is pinned in pyproject.toml; if an
  upgrade changes the text, ``tests/browser/test_api_docs.py`` fails and Chromium's message names the new
  hash.
* ``worker-src blob:``: Redoc's search index runs in a Web Worker that Redoc builds from a ``blob:`` URL
  of its own bundled code (without it the worker is refused and search breaks).

Left as is: Redoc's side menu shows the Redocly logo from its CDN; ``img-src`` refuses it (the image
hides itself on error), and nothing else leaves the site.
"""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView

EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
PERFECT_SCROLLBAR_CSS = "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"
REDOC_CSP = {"style-src": [NONCE, EMPTY_STYLE, PERFECT_SCROLLBAR_CSS], "worker-src": ["blob:"]}


@method_decorator(csp_update(REDOC_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "cunwu_api/redoc.html"
