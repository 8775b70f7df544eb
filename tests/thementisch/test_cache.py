"""The in-process store of rendered fragments (thementisch/cache.py)."""

import time

import pytest
from django.core.cache import caches

from thementisch.cache import ProcessMemoryCache


@pytest.fixture
def store():
    cache = ProcessMemoryCache("test-process-memory", {"OPTIONS": {"MAX_ENTRIES": 10}})
    cache.clear()
    yield cache
    cache.clear()


def test_the_fragments_cache_is_the_process_memory_cache_as_in_production():
    assert isinstance(caches["fragments"], ProcessMemoryCache)


def test_keeps_strings_as_they_are(store):
    html = "<li>Schrottbörse</li>"
    store.set("a", html)
    assert store.get("a") is html  # not a copy
    assert store.get("missing", "default") == "default"
    assert store.get_many(["a", "missing"]) == {"a": html}


def test_set_many_and_get_many_keep_the_callers_keys(store):
    store.set_many({"f:1": "eins", "f:2": "zwei"})
    assert store.get_many(["f:2", "f:1", "f:3"]) == {"f:2": "zwei", "f:1": "eins"}


def test_expired_values_are_gone(store):
    store.set("short", "x", timeout=1)
    store.set("long", "y", timeout=60)
    store._expire_info[store.make_key("short")] = time.time() - 1
    assert store.get("short") is None
    assert store.get_many(["short", "long"]) == {"long": "y"}
    assert not store.has_key("short")


def test_the_size_limit_culls_the_least_recently_read(store):
    for index in range(10):
        store.set(f"k{index}", str(index))
    store.get("k0")  # read: kept
    store.set("k10", "10")
    assert len(store._cache) <= 10
    assert store.get("k0") == "0"
    assert store.get("k10") == "10"


def test_add_and_incr(store):
    assert store.add("n", 1)
    assert not store.add("n", 5)
    assert store.incr("n", 2) == 3
    assert store.get("n") == 3
    with pytest.raises(ValueError, match="not found"):
        store.incr("absent")


@pytest.mark.parametrize("value", [["a list"], {"a": "dict"}, {"a set"}])
def test_refuses_values_that_could_change_in_place(store, value):
    with pytest.raises(TypeError):
        store.set("mutable", value)
    with pytest.raises(TypeError):
        store.add("mutable", value)
    assert store.get("mutable") is None
