"""A hook list for "public content changed": lower apps announce a write, higher apps (news's site search) react.

A lower app never imports a higher one (docs/architecture.md), so a service that changes something the public
may find (an event, a lecture group's topics, a published campaign's honorees) calls `changed(obj)`; listeners
registered in an `AppConfig.ready()` run at once, inside the writer's transaction, so a rollback undoes both.
"""

from collections.abc import Callable
from typing import Any

_listeners: list[Callable[[Any], None]] = []


def register(listener: Callable[[Any], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def changed(obj: Any) -> None:
    for listener in _listeners:
        listener(obj)
