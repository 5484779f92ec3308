"""Static checks of the extension's files (no browser): the words it shares with the library."""

from __future__ import annotations

import json
import re
from pathlib import Path

from warnlib.types import FLAGGED_LEVELS, LEVELS

EXTENSION = Path(__file__).resolve().parents[1] / "extension"


def test_extension_spells_the_levels_like_the_library() -> None:
    # The extension's one definition of the levels (extension/lib/levels.js) must equal the library's.
    source = (EXTENSION / "lib" / "levels.js").read_text(encoding="utf-8")
    match = re.search(r"const LEVELS = Object\.freeze\(\[([^\]]*)\]\)", source)
    assert match, "extension/lib/levels.js must define LEVELS"
    assert re.findall(r"'(\w+)'", match.group(1)) == list(LEVELS)
    flagged = re.search(r"const FLAGGED_LEVELS = Object\.freeze\(\[([^\]]*)\]\)", source)
    assert flagged and re.findall(r"'(\w+)'", flagged.group(1)) == list(FLAGGED_LEVELS)


def test_level_names_are_spelled_only_in_levels_js() -> None:
    quoted = re.compile(r"""['"`](?:low|medium|high)['"`]""")
    offenders = [
        f"{path.relative_to(EXTENSION)}:{number}: {line.strip()}"
        for path in sorted(EXTENSION.rglob("*.js"))
        if path.name != "levels.js"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if quoted.search(line)
    ]
    assert offenders == [], "use globalThis.WarnlibLevels instead:\n" + "\n".join(offenders)


def _messages(ui_language: str) -> dict[str, str]:
    raw = json.loads((EXTENSION / "_locales" / ui_language / "messages.json").read_text(encoding="utf-8"))
    return {key: value["message"] for key, value in raw.items()}


def test_both_languages_have_the_same_messages_and_a_reason_per_category() -> None:
    import warnlib

    zh, en = _messages("zh_CN"), _messages("en")
    assert set(zh) == set(en)
    background = set(warnlib.Scorer().combine_config.background_categories)
    for category in set(warnlib.types.CATEGORIES) - background:
        assert f"reason_{category}" in zh, category
    assert all(value.strip() for value in zh.values())


def test_chinese_messages_use_full_width_punctuation() -> None:
    # Half-width colons, commas and brackets read as typos in Chinese text; addresses are exempt.
    half_width = re.compile(r"[:,;?!()]")
    for key, value in _messages("zh_CN").items():
        prose = re.sub(r"https?://\S*", "", value)
        assert not half_width.search(prose), (key, value)
