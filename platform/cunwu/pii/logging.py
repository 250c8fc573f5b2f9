"""A logging filter that masks ID-card and mobile numbers in every log message (PIPL; GB/T 35273 §7.2)."""

from __future__ import annotations

import logging
import re

from cunwu.pii.masking import mask_id_card, mask_phone

ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_text(text: str) -> str:
    text = ID_CARD.sub(lambda m: mask_id_card(m.group()), text)
    return MOBILE.sub(lambda m: mask_phone(m.group()), text)


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites the formatted message with personal numbers masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
