"""The printable PDF: Chinese A4 notice whose QR code leads to the public page, which anyone can read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from cunwu.disclosure import services

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftoppm"), reason="poppler-utils missing: make browser-deps"
)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


def qr_texts(pdf: Path) -> list[str]:
    """Render the first page to PNG (poppler) and decode every QR code on it (zxing-cpp)."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
        check=True,
    )
    page = next(pdf.parent.glob(pdf.stem + "*.png"))
    return [result.text for result in zxingcpp.read_barcodes(Image.open(page))]


@pytest.fixture
def notice(secretary, village, photo):
    return services.post_notice(
        org_unit=village,
        title="红阳村2026年度村道硬化项目实施方案公示",
        body="经村民代表会议表决通过,现将项目实施方案公示如下。\n项目预算:人民币壹拾贰万元整。",
        min_days=7,
        kind="项目方案",
        attachments=[photo("现场照片.jpg")],
        actor=secretary,
    )


def test_pdf_carries_notice_and_qr_of_public_url(county_a, host_client, notice, tmp_path):
    response = host_client(county_a).get(f"/disclosure/public/{notice.uuid}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.content)
    text = pdf_text(pdf)
    public_url = f"http://alpha.localhost/disclosure/public/{notice.uuid}/"
    assert "红阳村2026年度村道硬化项目实施方案公示" in text
    assert notice.content_hash in text.replace("\n", "").replace(" ", "")
    assert qr_texts(pdf) == [public_url]


def test_public_page_from_qr_is_readable_anonymously_and_verifies(county_a, host_client, notice):
    client = host_client(county_a)
    page = client.get(notice.get_public_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "红阳村2026年度村道硬化项目实施方案公示" in html
    assert "哈希校验通过" in html
    attachment = services.attachments_of(notice).get()
    photo = client.get(f"/disclosure/public/{notice.uuid}/files/{attachment.uuid}/")
    assert photo.status_code == 200
    assert b"".join(photo.streaming_content).startswith(b"\xff\xd8")


def test_swapped_attachment_file_fails_verification(county_a, host_client, notice):
    attachment = services.attachments_of(notice).get()
    Path(attachment.file.path).write_bytes(b"\xff\xd8 something else")
    assert not services.verify_notice(notice)
    assert "哈希校验失败" in host_client(county_a).get(notice.get_public_url()).content.decode()


def test_portal_lists_by_village_without_login(county_a, host_client, notice, secretary):
    from cunwu.orgs.models import OrgUnit

    other = OrgUnit.objects.get(path="west/zhoucun")
    services.post_notice(
        org_unit=other, title="周村积分排名公示", body="第三季度红黑榜。", min_days=5, actor=secretary
    )
    client = host_client(county_a)
    everything = client.get("/disclosure/public/").content.decode()
    assert "红阳村2026年度" in everything and "周村积分排名公示" in everything
    village = OrgUnit.objects.get(path="east/hongyang")
    only_hongyang = client.get(f"/disclosure/public/?village={village.pk}&status=current").content.decode()
    assert "红阳村2026年度" in only_hongyang and "周村积分排名公示" not in only_hongyang
    township = OrgUnit.objects.get(path="west")
    only_west = client.get(f"/disclosure/public/?township={township.pk}").content.decode()
    assert "周村积分排名公示" in only_west and "红阳村2026年度" not in only_west
    assert "周村积分排名公示" not in client.get("/disclosure/public/?status=ended").content.decode()


def test_public_url_without_request_uses_county_domain(county_a, notice):
    from cunwu.disclosure.printing import public_url

    assert public_url(notice) == f"http://alpha.localhost/disclosure/public/{notice.uuid}/"


def test_printout_of_corrected_notice_says_so(county_a, notice, secretary, tmp_path):
    from cunwu.disclosure.printing import render_pdf

    services.supersede(notice, title="更正后的方案公示", body="新正文", reason="预算调整", actor=secretary)
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(render_pdf(notice))
    text = pdf_text(pdf)
    assert "已更正" in text and "更正后的方案公示" in text
