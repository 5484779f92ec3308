"""TOML reading on every supported Python (tomllib is standard from 3.11)."""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError


def load_toml_text(text: str) -> dict[str, Any]:
    return tomllib.loads(text)
