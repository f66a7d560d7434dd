"""Test data that consecutive tests share instead of rebuilding it, each layer in a transaction of its own.

The demo directory (~1,000 units) and the seed campaign take ~0.25 s to build, more under coverage,
and some 250 tests ask for them; some 300 more ask for the small tree and its personas. Built inside
a test's own transaction they are thrown away after every test. Here they are built once and kept in
a stack of open transactions *outside* the tests' (tests/conftest.py names the layers):

    BEGIN                        layer "demo_tree": the demo directory
      SAVEPOINT                  layer "seed_campaign": the seed campaign on top of it
        SAVEPOINT                the test's own transaction (pytest-django's `db`), rolled back after it

Whatever a test writes is rolled back to the layers, so the next test sees them as if just built.
Before each test the stack is brought to exactly what that test asks for (by its fixtures): layers it
does not ask for are rolled back first, so a test that did not ask for the demo directory never sees it.
A transactional test (`transaction=True`, `transactional_db`, `live_server`) gets no layer at all
and builds its own data as before. Fixtures hand out objects read afresh for each test, never the
objects the layer was built with, so what one test changes in memory does not reach the next.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache

from django.db import connections, transaction

from thidua.campaigns import definition as defn


def enter_atomics() -> list:
    atomics = []
    for alias in connections:
        atomic = transaction.atomic(using=alias)
        atomic._from_testcase = True  # as django.test.TestCase's own: durable=True blocks inside still work
        atomic.__enter__()
        atomics.append((alias, atomic))
    return atomics


def rollback_atomics(atomics: list) -> None:
    for alias, atomic in reversed(atomics):
        transaction.set_rollback(True, using=alias)
        atomic.__exit__(None, None, None)


@cache
def _seed_definition_parsed(path) -> dict:
    return defn.parse_text(path.read_text(encoding="utf-8"))


def seed_definition(path) -> dict:
    """The seed plan's definition: parsed once (~60 ms), a fresh copy for each caller."""
    return copy.deepcopy(_seed_definition_parsed(path))


class Layers:
    """The stack of open layers: [(name, atomics, value)], outermost first."""

    def __init__(self, builders: dict[str, tuple[str | None, Callable[[], object]]]):
        self.builders = builders  # name → (the layer it sits on, function that builds it and returns a value)
        self.stack: list[tuple[str, list, object]] = []
        self.paused = 0  # a module that builds its own shared data (module_transaction) turns the layers off

    def chain(self, top: str | None) -> list[str]:
        names = []
        while top:
            names.insert(0, top)
            top = self.builders[top][0]
        return names

    def has(self, name: str) -> bool:
        return any(n == name for n, _atomics, _value in self.stack)

    def value(self, name: str):
        return next(value for n, _atomics, value in self.stack if n == name)

    def bring_to(self, top: str | None) -> None:
        """Roll back the layers above the common prefix, then build the missing ones (DB unblocked)."""
        wanted = self.chain(top)
        keep = 0
        while keep < min(len(wanted), len(self.stack)) and self.stack[keep][0] == wanted[keep]:
            keep += 1
        while len(self.stack) > keep:
            self._pop()
        for name in wanted[keep:]:
            atomics = enter_atomics()
            try:
                value = self.builders[name][1]()
            except BaseException:
                rollback_atomics(atomics)
                raise
            self.stack.append((name, atomics, value))

    def close(self) -> None:
        while self.stack:
            self._pop()

    def _pop(self) -> None:
        _name, atomics, _value = self.stack.pop()
        rollback_atomics(atomics)
