"""The default home of rendered HTML fragments: this process's memory, without copying.

Django's LocMemCache pickles every value on the way in and out and checks
every character of every key, because it must keep any object and accept
any key. The "fragments" cache (thementisch/fragments.py and the
`{% cache %}` blocks of the templates) holds only strings, which cannot be
changed in place, under keys the portal makes (hashes and template fragment
keys). This backend keeps those strings as they are and reads a page's rows
under one lock: a list page reads 20-50 rows from it on every request.

Values must be immutable (str, int, bytes, tuples of them): a list put in
would be shared, not copied. Everything else (expiry, size limit with
culling, the other cache methods) is LocMemCache's.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

IMMUTABLE = (str, bytes, int, float, bool, type(None), tuple, frozenset)


class ProcessMemoryCache(LocMemCache):
    def validate_key(self, key: str) -> None:
        """Keys come from the portal's own code (hashes, fragment keys): not checked."""

    def _check(self, value: Any) -> Any:
        if not isinstance(value, IMMUTABLE):
            raise TypeError(f"{type(self).__name__} keeps immutable values only, not {value!r}")
        return value

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        found = {}
        now = time.time()
        with self._lock:
            for original in keys:
                key = self.make_key(original, version=version)
                expires = self._expire_info.get(key, -1)
                if expires is not None and expires <= now:
                    self._delete(key)
                    continue
                self._cache.move_to_end(key, last=False)
                found[original] = self._cache[key]
        return found

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, self._check(value), timeout)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, self._check(value), timeout)
                return True
            return False

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
