"""Hook implementations of the 项目流程 plugin (see cunwu.plugins.hookspecs)."""

from cunwu.plugins.hookspecs import hookimpl  # noqa: F401
