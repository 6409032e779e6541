"""Production settings, headers, login throttling and templates that cannot run user text."""

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_deploy_checks_pass_with_debug_off():
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves; production never does
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": "a1b2c3d4e5f6g7h8" * 4,
        "ALLOWED_HOSTS": "reform.example.org",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_csp_without_inline_scripts(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy)[1]
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_hold_no_inline_script_and_no_safe_filter():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert "|safe" not in text and "autoescape off" not in text, path
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag, f"{path}: inline script {tag}"


@pytest.mark.parametrize(
    ("setting", "value"), [("SESSION_COOKIE_AGE", 8 * 3600), ("SESSION_COOKIE_HTTPONLY", True)]
)
def test_sessions_expire(settings, setting, value):
    assert getattr(settings, setting) == value


def test_uploaded_files_have_no_public_url(client, demo_users, settings, tmp_path):
    client.force_login(demo_users["leader"])
    assert client.get("/media/attachments/1/x.pdf").status_code == 404


def docx_with(*members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in members:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def png_bytes():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", b"\xff\xd8\xff" + b"not an image" * 10, "无法识别为图片"),
        ("photo.png", png_bytes() + docx_with("a.txt"), "同时是压缩包"),
        ("scan.pdf", b"%PDF-1.4\nnot a pdf", "无法识别为PDF"),
        ("notes.docx", docx_with("[Content_Types].xml", "word/vbaProject.bin"), "宏或可执行内容"),
        ("notes.docx", docx_with("word/document.xml"), "不是有效的Office文件"),
    ],
)
def test_evidence_is_checked_as_what_it_claims_to_be(name, data, message):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tasks.reporting.uploads import check_upload

    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile(name, data))
    assert message in info.value.messages[0] and name in info.value.messages[0]


def test_real_evidence_passes_the_checks():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tasks.reporting.uploads import check_upload
    from tests.conftest import pdf_bytes

    check_upload(SimpleUploadedFile("photo.png", png_bytes()))
    check_upload(SimpleUploadedFile("scan.pdf", pdf_bytes()))
    check_upload(
        SimpleUploadedFile("notes.docx", docx_with("[Content_Types].xml", "word/document.xml"))
    )
