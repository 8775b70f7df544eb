import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from thementisch.files import private_upload_to, serve_private_file, validate_upload
from thementisch.markdown import markdown_to_text, render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>Text", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[klick](javascript:alert(1))", "javascript:"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
    ],
)
def test_markdown_removes_scripts_handlers_and_javascript_links(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_markdown_keeps_formatting_and_safe_links():
    html = render_markdown("# Titel\n\n**fett** und [Quelle](https://eur-lex.europa.eu)\n\n- eins")

    assert "<h3>Titel</h3>" in html
    assert "<strong>fett</strong>" in html
    assert 'href="https://eur-lex.europa.eu"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<li>eins</li>" in html


def test_markdown_to_text():
    assert markdown_to_text("**Schrott** & *Späne*") == "Schrott & Späne"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_upload_accepts_real_pdf_and_png():
    validate_upload(upload("Übersicht Maßnahmen.pdf", b"%PDF-1.7\n..."))
    validate_upload(upload("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ...", "können nicht hochgeladen werden"),
        ("bericht.pdf", b"PK\x03\x04 not a pdf", "passt nicht zur Endung"),
        ("bild.png", b"<html><script>x</script>", "passt nicht zur Endung"),
        ("notiz.txt", b"<script>alert(1)</script>", "nicht nach reinem Text"),
        ("kaputt.docx", b"PK\x03\x04garbage", "beschädigt"),
    ],
)
def test_upload_refuses_wrong_types(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(name, content))
    assert message in error.value.messages[0]


def test_upload_refuses_too_large(settings):
    settings.UPLOAD_MAX_BYTES = 10

    with pytest.raises(ValidationError) as error:
        validate_upload(upload("gross.pdf", b"%PDF-" + b"0" * 20))
    assert "zu groß" in error.value.messages[0]


def test_upload_refuses_zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (250 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        validate_upload(upload("bombe.docx", buffer.getvalue()))
    assert "zu sehr großen Datenmengen" in error.value.messages[0]


def test_stored_name_is_server_made():
    name = private_upload_to("evidence")(None, "../../etc/passwd.pdf")

    assert name.startswith("evidence/")
    assert name.endswith(".pdf")
    assert ".." not in name
    assert len(name) == len("evidence/") + 32 + len(".pdf")


def test_private_file_is_served_as_safe_attachment(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.db.models.fields.files import FieldFile

    from thementisch.files import private_storage

    storage = private_storage()
    stored = storage.save("docs/abc.pdf", ContentFile(b"%PDF-1.7 test"))

    class Field:
        storage = private_storage()

    field_file = FieldFile(None, Field(), stored)
    response = serve_private_file(field_file, "Übersicht Maßnahmen.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "filename*=utf-8''%C3%9Cbersicht%20Ma%C3%9Fnahmen.pdf" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
