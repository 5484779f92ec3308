"""Rule packs: every rule's examples hold, packs validate, user packs and allow-lists load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import warnlib
from warnlib.rules import RuleError, load_allow_list, load_rules, parse_pack

_SCORER = warnlib.Scorer()
_RULES = list(_SCORER.rules)


def _fired(scorer: warnlib.Scorer, text: str) -> set[str]:
    assessment = scorer.score(text)
    return {s.rule for s in assessment.signals} | {c.rule for c in assessment.context}


def test_every_rule_has_examples_both_ways() -> None:
    lacking = [r.id for r in _RULES if not r.examples_match or not r.examples_no_match]
    assert not lacking, f"rules without must-match and must-not-match examples: {lacking}"


@pytest.mark.parametrize("rule", _RULES, ids=lambda r: r.id)
def test_rule_examples(rule: warnlib.rules.Rule) -> None:
    for example in rule.examples_match:
        assert rule.id in _fired(_SCORER, example), f"{rule.id} should fire on {example!r}"
    for example in rule.examples_no_match:
        assert rule.id not in _fired(_SCORER, example), f"{rule.id} should not fire on {example!r}"


def test_every_category_is_covered() -> None:
    covered = {r.category for r in _RULES}
    assert set(warnlib.CATEGORIES) <= covered


def test_messages_in_both_locales() -> None:
    for rule in _RULES:
        assert rule.messages["zh"].strip() and rule.messages["en"].strip(), rule.id


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in _RULES]
    assert len(ids) == len(set(ids))


def test_builtin_rule_ids_name_their_language_and_category() -> None:
    # <zh|en|extract>.<the rule's own category>.<name>: en.payment.send_to_wallet counted towards
    # contact_diversion, context rules started with "context." and extractors had two segments.
    scopes = {"zh", "en", "extract"}
    wrong = [
        f"{rule.id} ({rule.category})"
        for rule in _RULES
        if not (
            len(parts := rule.id.split(".")) == 3
            and parts[0] in scopes
            and parts[1] == rule.category
            and re.fullmatch(r"[a-z][a-z0-9_]*", parts[2])
        )
    ]
    assert wrong == []
    assert {r.id.split(".")[0] for r in _RULES} == scopes
    # A language pack's rules read that language; the context pack holds both languages' cues.
    assert all(r.id.startswith(f"{r.pack}.") for r in _RULES if r.pack in ("zh", "en"))
    assert all(r.id.startswith("extract.") for r in _RULES if r.pack == "extractors")


def test_every_renamed_id_names_a_rule_that_exists_and_no_old_id_is_in_use() -> None:
    from warnlib.rules import renamed_rule_ids

    renamed = renamed_rule_ids()
    ids = {r.id for r in _RULES}
    assert set(renamed.values()) <= ids
    assert not set(renamed) & ids


@pytest.mark.parametrize(
    ("rule_id", "complaint"),
    [
        ("en.payment.send_to_wallet", "middle segment must be its category (en.contact_diversion.send_to_wallet)"),
        ("extract.contact_handle", "<scope>.<category>.<name>"),
        ("context.zh.warning", "<scope>.<category>.<name>"),
        ("zh.contact_diversion.DM", "lower-case name"),
    ],
)
def test_a_builtin_pack_with_a_misleading_id_is_refused(rule_id: str, complaint: str) -> None:
    body = PACK.replace('id = "team.broker"', f'id = "{rule_id}"').replace("exchange_referral", "contact_diversion")
    with pytest.raises(RuleError, match=re.escape(complaint)):
        parse_pack(body, source="warnlib/rules/zh.toml", builtin=True)
    assert parse_pack(body).rules[0].id == rule_id, "operators' own packs name their rules freely"


PACK = """
[pack]
name = "team"
version = "1"

[[rules]]
id = "team.broker"
category = "exchange_referral"
weight = 2.0
messages = { zh = "可疑券商", en = "Suspicious broker" }
phrases = ["黑马证券"]
examples.match = ["黑马证券开户"]
examples.no_match = ["证券开户"]
"""


def test_user_pack_adds_a_rule(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(PACK, encoding="utf-8")
    pack = load_rules(path)
    assert [r.id for r in pack] == ["team.broker"]
    scorer = warnlib.Scorer(rule_paths=[path])
    assert "team.broker" in _fired(scorer, "在黑马證券開戶")  # traditional text still matches
    assert scorer.version["rules"].endswith("+custom")
    folder_scorer = warnlib.Scorer(rule_paths=[tmp_path])
    assert "team.broker" in {r.id for r in folder_scorer.rules}


_HEAD = "[[rules]]\nid = 'x'\ncategory = 'urgency'\nweight = 1\nmessages = {zh='a', en='b'}\n"


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (_HEAD.replace("urgency", "nope") + "phrases=['a']", "category"),
        (_HEAD.replace("weight = 1", "weight = 0") + "phrases=['a']", "weight"),
        (_HEAD.replace(", en='b'", "") + "phrases=['a']", "messages"),
        (_HEAD, "no phrases"),
        (_HEAD + "patterns=['(a+)+b']", "nests"),
        (_HEAD + "patterns=['a.*b']", "open-ended"),
        (_HEAD + "patterns=['(a']", "bad pattern"),
        ("not toml [", "not valid TOML"),
        (_HEAD + "phrases=['a']\nexamples=['a']", "examples must be a table"),
    ],
)
def test_bad_packs_are_rejected_with_a_reason(body: str, complaint: str) -> None:
    with pytest.raises(RuleError, match=complaint):
        parse_pack(body, source="bad.toml")


def test_duplicate_rule_id_across_packs_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "dup.toml"
    path.write_text(PACK.replace("team.broker", "zh.copy_trading.lead"), encoding="utf-8")
    with pytest.raises(RuleError, match="defined twice"):
        warnlib.Scorer(rule_paths=[path])


def test_missing_pack_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="cannot read"):
        load_rules(tmp_path / "missing.toml")


def test_allow_list_suppresses_matching_evidence(tmp_path: Path) -> None:
    text = "官方客服微信：helpdesk_01，有问题联系我们"
    plain = warnlib.Scorer()
    assert "extract.contact_diversion.handle" in _fired(plain, text)
    allow = tmp_path / "allow.txt"
    allow.write_text("# our own support account\n微信：helpdesk_01\n", encoding="utf-8")
    assert load_allow_list(allow) == ["微信：helpdesk_01"]
    allowed = warnlib.Scorer(allow_list=allow)
    assert "extract.contact_diversion.handle" not in _fired(allowed, text)
    assert "extract.contact_diversion.handle" not in _fired(warnlib.Scorer(allow_list=["微信：helpdesk_01"]), text)


def test_unsafe_pattern_error_names_the_file_and_the_rule() -> None:
    with pytest.raises(RuleError, match=r"bad\.toml: x: pattern .*nests"):
        parse_pack(_HEAD + "patterns=['(a+)+b']", source="bad.toml")


def test_a_pack_whose_examples_do_not_hold_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(PACK.replace('examples.match = ["黑马证券开户"]', 'examples.match = ["白马证券开户"]'), "utf-8")
    with pytest.raises(RuleError, match=r"team\.toml: rule team\.broker: examples\.match that do not fire it"):
        load_rules(path)
    path.write_text(PACK.replace('examples.no_match = ["证券开户"]', 'examples.no_match = ["黑马证券"]'), "utf-8")
    with pytest.raises(RuleError, match=r"examples\.no_match that fire it"):
        load_rules(path)


_CONTACT = "跟着老师做合约，加微信：coin888"


def test_overrides_reweight_and_disable_builtin_rules(tmp_path: Path) -> None:
    path = tmp_path / "tune.toml"
    path.write_text(
        '[[overrides]]\nid = "extract.contact_diversion.handle"\nweight = 0.5\n'
        '[[overrides]]\nid = "zh.copy_trading.mentor"\ndisabled = true\nreason = "too broad for our forum"\n',
        encoding="utf-8",
    )
    before = {s.rule: s.weight for s in _SCORER.score(_CONTACT).signals}
    assert before["extract.contact_diversion.handle"] == 2.5 and "zh.copy_trading.mentor" in before
    scorer = warnlib.Scorer(rule_paths=[path], model=None)
    after = {s.rule: s.weight for s in scorer.score(_CONTACT).signals}
    assert after["extract.contact_diversion.handle"] == 0.5
    assert "zh.copy_trading.mentor" not in after
    assert "zh.copy_trading.mentor" not in {r.id for r in scorer.rules}
    assert scorer.version["rules"].endswith("+custom")


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ('[[overrides]]\nid = "no.such.rule"\nweight = 1\n', "override names no rule: no.such.rule"),
        (
            '[[overrides]]\nid = "en.payment.send_to_wallet"\ndisabled = true\n',
            r"override names no rule: en.payment.send_to_wallet \(renamed en.contact_diversion.send_to_wallet:",
        ),
        ('[[overrides]]\nid = "zh.copy_trading.mentor"\n', "give a weight or disabled"),
        ('[[overrides]]\nid = "zh.copy_trading.mentor"\nweight = 11\n', "weight must be"),
        ('[[overrides]]\nid = "zh.copy_trading.mentor"\nwieght = 1\n', "unknown keys"),
    ],
)
def test_bad_overrides_are_refused_naming_the_file(tmp_path: Path, body: str, complaint: str) -> None:
    path = tmp_path / "tune.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=complaint) as error:
        warnlib.Scorer(rule_paths=[path], model=None)
    assert "tune.toml" in str(error.value)


def test_extractors_run_without_the_builtin_packs_unless_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(PACK, encoding="utf-8")
    own = warnlib.Scorer(rule_paths=[path], include_builtin=False, model=None)
    assert {s.rule for s in own.score(_CONTACT).signals} == {"extract.contact_diversion.handle"}
    assert not own.score(_CONTACT, explain=True).context
    bare = warnlib.Scorer(rule_paths=[path], include_builtin=False, extractors=False, model=None)
    assert bare.score(_CONTACT).signals == []
    assert [r.id for r in bare.rules] == ["team.broker"]


def test_builtin_packs_are_marked_as_such_not_by_their_path() -> None:
    assert all(pack.builtin for pack in _SCORER.packs)
    assert not parse_pack(PACK, source="warnlib/rules/zh.toml").builtin


def _bind(text: str) -> dict[str, object]:
    from warnlib.scorer import _bind_extractors

    pack = parse_pack(text, source="extractors.toml", require_matchers=False)
    return {bound.rule.id: bound.extractor for bound in _bind_extractors(pack)}


def test_extractor_settings_come_from_their_entry_in_extractors_toml() -> None:
    shipped = (Path(warnlib.__file__).parent / "rules" / "extractors.toml").read_text(encoding="utf-8")
    setting = "params = { min_multiple = 5 }"
    assert setting in shipped
    assert _bind(shipped)["extract.leverage.multiple"].extract("开了100倍杠杆")  # type: ignore[attr-defined]
    raised = _bind(shipped.replace(setting, "params = { min_multiple = 200 }"))
    assert raised["extract.leverage.multiple"].extract("开了100倍杠杆") == []  # type: ignore[attr-defined]
    for broken, complaint in [
        ("", r"params missing \['min_multiple'\]"),
        ("params = { min_multiple = 5, maximum = 9 }", "unknown params"),
        ('params = { min_multiple = "5" }', "params.min_multiple must be a number"),
    ]:
        with pytest.raises(RuleError, match=f"extractors.toml: rule extract.leverage.multiple: {complaint}"):
            _bind(shipped.replace(setting, broken))
