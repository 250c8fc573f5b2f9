"""Forms of the shell's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_PACK_BYTES = 2 * 1024 * 1024


class PolicyPackForm(forms.Form):
    """A policy pack, uploaded as a file or pasted; the file wins when both are given."""

    pack_file = forms.FileField(label=_("上传政策包文件 (.toml)"), required=False)
    source = forms.CharField(
        label=_("或粘贴政策包内容"),
        required=False,
        strip=False,
        help_text=_("UTF-8 编码的 TOML 文本，格式见 tenants/ 下的示例政策包。"),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("pack_file")
        if upload:
            if upload.size > MAX_PACK_BYTES:
                raise forms.ValidationError(_("文件太大(上限 2 MB)。"))
            try:
                cleaned["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("文件不是 UTF-8 编码的文本。")) from exc
        elif cleaned.get("source", "").strip():
            cleaned["text"] = cleaned["source"]
        else:
            raise forms.ValidationError(_("请上传政策包文件或粘贴其内容。"))
        return cleaned
