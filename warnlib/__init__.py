"""warnlib: warn people before they fall for investment scams in social-media posts.

Score a post and read why::

    >>> import warnlib
    >>> a = warnlib.score("跟着老师做合约，一周翻倍，加薇：coin888")
    >>> a.level
    'high'
    >>> sorted(s.rule for s in a.signals)[:3]
    ['extract.contact_diversion.handle', 'zh.contact_diversion.app_mention', 'zh.contact_diversion.id_given']

`score()` uses a shared default `Scorer`; build your own `Scorer` to load extra
rule packs, an allow-list or other thresholds. Importing this package is cheap:
rule packs and dictionaries load on first use.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from warnlib.types import CATEGORIES, Assessment, ContextSignal, Level, Locale, Signal

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "Assessment",
    "ContextSignal",
    "Level",
    "Locale",
    "RulePack",
    "Scorer",
    "Signal",
    "TextTooLongError",
    "Thresholds",
    "__version__",
    "load_rules",
    "score",
]

if TYPE_CHECKING:
    from warnlib.rules import RulePack, load_rules
    from warnlib.scorer import Scorer, TextTooLongError, Thresholds

_LAZY = {
    "RulePack": "warnlib.rules",
    "load_rules": "warnlib.rules",
    "Scorer": "warnlib.scorer",
    "Thresholds": "warnlib.scorer",
    "TextTooLongError": "warnlib.scorer",
}

_default_scorer: Scorer | None = None
_default_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    # Keep `import warnlib` cheap: the scoring machinery imports on first use.
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'warnlib' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)


def default_scorer() -> Scorer:
    """The shared `Scorer` with the built-in rule packs, created once, thread-safely."""
    global _default_scorer
    if _default_scorer is None:
        with _default_lock:
            if _default_scorer is None:
                from warnlib.scorer import Scorer

                _default_scorer = Scorer()
    return _default_scorer


def score(text: str, *, locale: Locale = "zh") -> Assessment:
    """Score one post with the built-in rules; messages come in `locale` ("zh" or "en").

    Raises `TypeError` for non-string input and `TextTooLongError` (a `ValueError`)
    past the scorer's `max_chars`.
    """
    return default_scorer().score(text, locale=locale)
