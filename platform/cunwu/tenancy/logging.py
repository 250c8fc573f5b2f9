"""Log records carry the county's schema (``[county_x]``) so a line can always be traced to a county."""

import logging

from django.db import connection


class CountyLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.county = getattr(connection, "schema_name", "-") or "-"
        return True
