"""Avatars are decoded, checked and re-encoded: nothing of the upload survives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image


def image_file(fmt="JPEG", size=(800, 600), name="me.jpg", **save_args):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 90)).save(buffer, fmt, **save_args)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, file, language="en"):
    return client.post(
        reverse("people:profile"), {"avatar": file}, HTTP_ACCEPT_LANGUAGE=language
    )


def test_photo_is_cropped_resized_and_stripped_of_exif(client, agent):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotate 90°
    client.force_login(agent)
    response = upload(client, image_file(size=(1200, 700), exif=exif.tobytes()))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.avatar.name.endswith(".webp")
    with Image.open(agent.avatar.path) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (256, 256)
        assert not stored.getexif()


def test_a_text_file_named_like_an_image_is_refused(client, agent):
    client.force_login(agent)
    response = upload(client, SimpleUploadedFile("me.png", b"<svg onload=alert(1)>"))
    assert response.status_code == 200
    assert "Please upload a JPEG, PNG, WebP or GIF image." in response.content.decode()
    agent.refresh_from_db()
    assert not agent.avatar


def test_formats_outside_the_allow_list_are_refused(client, agent):
    client.force_login(agent)
    response = upload(client, image_file("BMP", name="me.bmp"))
    assert "Please upload a JPEG, PNG, WebP or GIF image." in response.content.decode()


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "PPM"])
def test_no_parser_outside_the_allow_list_reads_an_upload(
    client, agent, monkeypatch, fmt
):
    Image.init()
    tried = []
    for name, (factory, accept) in list(Image.OPEN.items()):
        if name not in {"JPEG", "PNG", "WEBP", "GIF"}:

            def spy(prefix, name=name, accept=accept):
                tried.append(name)
                return accept(prefix) if accept else True

            monkeypatch.setitem(Image.OPEN, name, (factory, spy))
    client.force_login(agent)
    response = upload(client, image_file(fmt, name="me.img"))
    assert "Please upload a JPEG, PNG, WebP or GIF image." in response.content.decode()
    assert tried == []
    agent.refresh_from_db()
    assert not agent.avatar


def test_oversized_files_are_refused_with_the_limit(client, agent, settings):
    settings.AVATAR_MAX_BYTES = 1000
    client.force_login(agent)
    response = upload(client, image_file(size=(400, 400), quality=100))
    assert "the limit is 1000" in response.content.decode()
    agent.refresh_from_db()
    assert not agent.avatar


def test_replacing_then_removing_a_photo_deletes_the_files(
    client, agent, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    upload(client, image_file())
    agent.refresh_from_db()
    first = agent.avatar.path
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, image_file("PNG", name="me.png"))
    agent.refresh_from_db()
    second = agent.avatar.path
    assert second != first
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:profile"), {"remove": "1"})
    agent.refresh_from_db()
    assert not agent.avatar
    assert not Path(first).exists()
    assert not Path(second).exists()
