"""Hook implementations of the 积分超市 plugin (see cunwu.plugins.hookspecs)."""

from cunwu.plugins.hookspecs import hookimpl  # noqa: F401
