"""Rate limits on what anyone on the internet can trigger (the initiative form, sign-in, password
reset, confirmation e-mails), counted in the shared cache so that they hold across every worker
process: Redis when REDIS_URL is set, the database otherwise (settings.CACHES).

A limit is a fixed window: at most `count` events per `seconds` for one key (an address, an
e-mail). The database cache counts with a read and a write, so two requests at the same instant
may both pass: a limit is a ceiling give or take a request, which is what flood control needs.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


def parse(name: str, text: str) -> Limit:
    """ "10/3600" → at most 10 per hour (settings read limits this way)."""
    count, _slash, seconds = text.partition("/")
    return Limit(name=name, count=int(count), seconds=int(seconds))


def hit(limit: Limit, key: str) -> bool:
    """Count one event for `key`; False once the window already holds `limit.count` of them."""
    window = int(time.time() // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no addresses in cache keys
    cache_key = f"rl:{limit.name}:{window}:{digest}"
    cache.add(cache_key, 0, timeout=limit.seconds + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=limit.seconds + 60)
        count = 1
    return count <= limit.count


def client_address(request) -> str:
    """The visitor's address: REMOTE_ADDR, or behind THIDUA_TRUSTED_PROXIES reverse proxies the
    address the outermost trusted proxy saw (never a value the visitor can choose)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def limit(name: str) -> Limit:
    return parse(name, settings.RATE_LIMITS[name])
