"""Group commit: work arriving together is done together, failures apart."""

from __future__ import annotations

import asyncio

import pytest

from realtime.batching import Batches

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_an_item_that_fails_its_batch_fails_only_its_own_caller():
    calls = []

    def store(key, items):
        calls.append(list(items))
        if "poison" in items:  # as a database refusing one row fails them all
            raise ValueError("a string literal cannot contain NUL")
        return [f"{key}:{item}" for item in items]

    batches = Batches(store, 100)
    results = await asyncio.gather(
        *(batches.submit(7, item) for item in ["a", "poison", "b"]),
        return_exceptions=True,
    )

    assert results[0] == "7:a" and results[2] == "7:b"
    assert isinstance(results[1], ValueError)
    assert calls[0] == ["a", "poison", "b"]  # together first
