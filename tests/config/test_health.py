from __future__ import annotations

import pytest

from people import views


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_200_when_database_and_layer_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_names_a_broken_channel_layer(client, monkeypatch):
    async def unreachable():
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(views, "_ping_channel_layer", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["channel_layer"]
    assert response.json()["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_healthz_names_a_broken_database(client, monkeypatch):
    def locked():
        raise RuntimeError("database is locked")

    monkeypatch.setattr(views, "_ping_database", locked)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
