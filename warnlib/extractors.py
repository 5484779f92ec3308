"""Extractors: signals that need structure, not just phrases.

Each extractor is a small class that finds spans in normalized text. What it is
called, its category, weight, messages, examples and its numeric settings (`params`:
thresholds, ratios, windows) live in `rules/extractors.toml` (keyed by the extractor's
`id`), like any other rule, so they can be tuned and listed without touching code: the
class names the settings it takes (`tunable`) and holds no value of its own. Register a
new one by adding it to `EXTRACTORS`.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, ClassVar, Protocol

from warnlib._regex import literal_alternation
from warnlib.numbers import AMOUNT_PATTERNS, Amount, find_amounts

Span = tuple[int, int]


class Extractor(Protocol):
    id: ClassVar[str]
    # Setting name -> "number", "periods" (a table of day/week/month/year numbers) or "words"
    # (a list of words and phrases).
    tunable: ClassVar[dict[str, str]]
    # Every span the extractor finds lies where one of these patterns matches: on a post where
    # none can (their needles are absent, see warnlib._prefilter), the scorer does not run it.
    requires: ClassVar[tuple[re.Pattern[str], ...]]

    def extract(self, text: str) -> list[Span]:
        """Spans of normalized `text` that show the signal; empty if it is absent."""
        ...


PERIODS = ("day", "week", "month", "year")


class _Tunable:
    """Takes its settings from its extractors.toml entry's `params`, and checks them."""

    tunable: ClassVar[dict[str, str]] = {}

    def __init__(self, **params: Any) -> None:
        missing = sorted(set(self.tunable) - set(params))
        unknown = sorted(set(params) - set(self.tunable))
        if missing or unknown:
            raise ValueError(f"params missing {missing}" if missing else f"unknown params {unknown}")
        for name, kind in self.tunable.items():
            value = params[name]
            if kind == "periods":
                if (
                    not isinstance(value, dict)
                    or sorted(value) != sorted(PERIODS)
                    or not all(map(_is_number, value.values()))
                ):
                    raise ValueError(f"params.{name} must give a number for each of {', '.join(PERIODS)}")
                value = {period: float(v) for period, v in value.items()}
            elif kind == "words":
                if not isinstance(value, list) or not value or not all(isinstance(w, str) and w for w in value):
                    raise ValueError(f"params.{name} must be a list of words")
            elif not _is_number(value):
                raise ValueError(f"params.{name} must be a number")
            setattr(self, name, value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_HANDLE = (
    # A letter prefix split from the digits by a space ("dz 13668") is one id written apart.
    r"(@ ?[a-z0-9_]{3,30}|[a-z]{1,6} \d{5,12}(?![\d])|[a-z0-9_.\-]{0,30}\d[a-z0-9_.\-]{0,30}|\+?\d[\d \-]{5,16}\d|"
    + r"(?:@ ?)?[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖两幺\d ]{5,16})"
)
_NAMED_HANDLE = r"(@? ?[a-z][a-z0-9_.\-]{3,30})"
# An id that mixes letters with digits or underscores reads as a handle, not a word (vip_trader01).
_ID_LIKE = r"([a-z][a-z0-9.\-]{0,30}(?:\d|_)[a-z0-9_.\-]{0,30}|\d{5,12})(?![a-z0-9_])"
_PHONE = r"(?<![\d])(?:\+\d{1,3}[\s\-]{0,2})?\(?\d{2,4}\)?[\s\-]{0,2}\d{3,4}[\s\-]{0,2}\d{3,5}(?![\d])"


class ContactHandle(_Tunable):
    """A concrete private-channel id: `微信:coin_2024`, `qq 123456`, `t.me/xyz`, `line id: xyz`, a phone.

    Ids may be written in Chinese numerals (`qq 五九八七…`), follow a bare "talk to / contact"
    (`详谈：btc_88`), or be a phone number with brackets and spaces after a phone word.
    """

    id = "extract.contact_diversion.handle"
    # A lone "v" is WeChat ("v: abc123"), but not a link's query parameter (youtube.com/watch?v=...).
    # Not the end of a longer word: "deadline: may 2025", "swap: 1:1".
    # Each name's first character comes before its look-behind (which spans it), so the pattern
    # starts with a set of characters and a search skips to them (warnlib._regex.starts_with_class).
    _app = (
        r"(?:微(?<![a-z]微)信|q(?<![a-z]q)q|电(?<![a-z]电)报|t(?<![a-z]t)(?:elegram|g)|w(?<![a-z]w)(?:hatsapp|echat|a|/a)"
        r"|l(?<![a-z]l)ine|s(?<![a-z]s)(?:ignal|kype)|d(?<![a-z]d)iscord|k(?<![a-z]k)akao|v(?<![a-z?&=/]v))"
    )
    _patterns = (
        re.compile(
            _app + r"(?:\s?(?:号|群|号码|id)|联系|私聊)?\s{0,2}[:=]\s{0,2}(?:" + _NAMED_HANDLE + r"|" + _HANDLE + r")"
        ),
        re.compile(
            r"(?:微信|qq|电报|telegram|whatsapp|wechat|line)(?:号|群)?\s{0,2}(?:搜索|搜)\s{0,2}[:=]?\s{0,2}"
            r"(?:" + _NAMED_HANDLE + r"|" + _HANDLE + r")"
        ),
        re.compile(
            r"(?:微信|qq|电报|wechat|whatsapp|telegram|tg|tele|line)(?:\s?(?:号|群|号码|id))?\s{0,2}(?:是|为)?\s{0,2}"
            + _HANDLE
        ),
        # Invite links: Telegram, WhatsApp, and LINE's add-friend links (not today.line.me news).
        re.compile(
            r"t(?<![a-z.]t)(?:elegram)?\.me/[a-z0-9_+]{3,40}|w(?<![a-z.]w)a\.me/[a-z0-9_+]{3,40}"
            r"|chat\.whatsapp\.com/[a-z0-9]{6,40}"
            r"|line\.me/(?:r/)?ti/p/[~a-z0-9_@%+\-]{3,40}|lin\.ee/[a-z0-9]{4,20}"
        ),
        re.compile(r"(?:详谈|详聊|联系|联系我|咨询|私聊|找|加我|添加)\s{0,2}[:=]?\s{0,2}" + _ID_LIKE),
        re.compile(
            r"(?:电话|热线|手机|致电|来电|手机号|联系电话|tel|phone|call|text|whatsapp|wa|w/a)[^\d\n]{0,6}?" + _PHONE
        ),
        # A number in international form needs no phone word: it is given to be dialled or added
        # on WhatsApp ("my mentor's line is +1 786 555 0139").
        re.compile(r"\+(?<![\w+]\+)\d{1,3}[\s\-]{0,2}\(?\d{2,4}\)?[\s\-]{0,2}\d{3,4}[\s\-]{0,2}\d{3,5}(?![\d])"),
    )
    _not_handles = frozenset({"group", "chat", "channel", "link", "below", "profile", "bio"})
    _invite_links = 3  # index of the pattern that matches inside links on purpose
    requires = _patterns
    _url = re.compile(r"(?:https?://|www\.)[^\s]{1,500}")

    def extract(self, text: str) -> list[Span]:
        # Inside a link, "qq", "line" or "id=" are parts of a path (kknews.cc/q6qq6jr, ?id=2018...).
        links = [m.span() for m in self._url.finditer(text)] if "://" in text or "www." in text else []
        spans: list[Span] = []
        for number, pattern in enumerate(self._patterns):
            for match in pattern.finditer(text):
                if links and number != self._invite_links and any(a <= match.start() < b for a, b in links):
                    continue
                if match.lastindex and (match.group(match.lastindex) or "").strip() in self._not_handles:
                    continue
                spans.append(match.span())
        return spans


def _near(amounts: list[Amount], starts: list[int], first: Amount, max_gap: int) -> list[Amount]:
    # `starts` (of `amounts`) is sorted: look only inside the window, or many amounts make this quadratic.
    lo = bisect.bisect_left(starts, first.start - max_gap)
    hi = bisect.bisect_right(starts, first.start + max_gap)
    return [a for a in amounts[lo:hi] if a is not first]


# Every way `warnlib.numbers` can write an amount of 10,000 or more holds one of these (a test
# checks it against find_amounts on every labeled post).
_MAY_HOLD_TEN_THOUSAND = re.compile(r"\d(?:\d{4}|[,. ]\d{3}|\s{0,1}(?:[千百万亿kwm]|thousand|grand))|[万亿]")


class MoneyGrowth(_Tunable):
    """A small stake turned into a fortune: `从3000块开始…24万`, `5,000 into 1 million`."""

    id = "extract.wealth_story.money_growth"
    tunable: ClassVar[dict[str, str]] = {
        "min_stake": "number",
        "min_ratio": "number",
        "min_result": "number",
        "window": "number",
    }
    min_stake: float
    min_ratio: float
    min_result: float
    window: float
    _start_before = re.compile(
        r"(?:从|本金|只用|用了|拿|with|from|turned|started with|only|invested|investing|deposited|put in)"
        r"\s{0,2}[$¥£€]?$"
    )
    _start_after = re.compile(
        r"^\s{0,2}(?:块|元|u|刀|美金|usdt|dollars?|bucks)?\s{0,2}(?:本金|开始|起步|起家|入金|into|to start|起)"
    )
    _connector = re.compile(
        r"^\s{0,2}(?:块|元|u|刀|美金|usdt)?\s{0,2}(?:->|→|到|变成|变|滚到|翻到|做到|into|to)\s{0,3}[$¥]?\s{0,2}$"
    )

    # The stake and the result are amounts.
    requires = AMOUNT_PATTERNS

    def extract(self, text: str) -> list[Span]:
        # Every result must reach min_result: most posts hold no amount that large, and need not
        # be read further. Below, cheaper still: no amount of 10,000 or more can be written
        # without five digits in a row, a digit group, a unit after a number, or 万/亿.
        if self.min_result >= 10_000 and not _MAY_HOLD_TEN_THOUSAND.search(text):
            return []
        amounts = find_amounts(text)
        if not any(a.value >= self.min_result for a in amounts):
            return []
        starts = [a.start for a in amounts]
        for index, stake in enumerate(amounts):
            if stake.value < self.min_stake:
                continue
            before = text[max(0, stake.start - 12) : stake.start]
            after = text[stake.end : stake.end + 12]
            is_stake = bool(self._start_before.search(before) or self._start_after.match(after))
            if is_stake:
                need = max(self.min_ratio * stake.value, self.min_result)
                for result in _near(amounts, starts, stake, int(self.window)):
                    if result.value >= need:
                        return [(stake.start, stake.end), (result.start, result.end)]
            if index + 1 < len(amounts):
                result = amounts[index + 1]
                between = text[stake.end : result.start]
                if self._connector.match(between) and result.value >= max(
                    self.min_ratio * stake.value, self.min_result
                ):
                    return [(stake.start, result.end)]
        return []


class ReturnRate(_Tunable):
    """A periodic return: `日息1.5%`, `月收益稳定在30%`, `3% daily`, `40% a month`."""

    id = "extract.guaranteed_returns.return_rate"
    # min_rate: the lowest rate per period (percent) that no honest product promises.
    tunable: ClassVar[dict[str, str]] = {"min_rate": "periods"}
    min_rate: dict[str, float]
    _periods: ClassVar[dict[str, str]] = {
        "日": "day",
        "每天": "day",
        "每日": "day",
        "天": "day",
        "daily": "day",
        "a day": "day",
        "per day": "day",
        "every day": "day",
        "周": "week",
        "每周": "week",
        "一周": "week",
        "weekly": "week",
        "a week": "week",
        "per week": "week",
        "every week": "week",
        "each week": "week",
        "月": "month",
        "每月": "month",
        "每个月": "month",
        "一个月": "month",
        "monthly": "month",
        "a month": "month",
        "per month": "month",
        "every month": "month",
        "each month": "month",
        "年": "year",
        "年化": "year",
        "每年": "year",
        "annually": "year",
        "a year": "year",
        "per year": "year",
        "apy": "year",
        "apr": "year",
    }
    _filler = (
        r"(?:收益率|收益|利息|息|回报率|回报|盈利|利润|赚|化|率|稳定在|稳定"
        r"|高达|达到|约|有|能|可|平均|至少|都|在|固定|保底|净|:|,|\s)"
    )
    _rate = r"(\d{1,3}(?:\.\d{1,2})?)(?:\s{0,1}[-~到至]\s{0,1}\d{1,3}(?:\.\d{1,2})?)?\s{0,1}%"
    # The period words of `_periods` as alternations, longest first (年化 before 年), so that a
    # word added there is also looked for.
    _cn_words = "|".join(sorted((word for word in _periods if not word.isascii()), key=len, reverse=True))
    _en_words = "|".join(sorted((word for word in _periods if word.isascii()), key=len, reverse=True))
    _cn = re.compile(f"({_cn_words})" + _filler + r"{1,6}" + _rate)
    _en_after = re.compile(
        _rate + r"\s{0,3}(?:returns?\s{0,2}|profits?\s{0,2}|roi\s{0,2}|gains?\s{0,2})?"
        f"({_en_words})(?![a-z])"
    )
    _en_before = re.compile(
        r"(daily|weekly|monthly)\s{1,2}(?:returns?|profits?|roi|gains?)\s{1,2}(?:of\s{1,2}|up to\s{1,2}|at\s{1,2})?"
        + _rate
    )

    requires = (_cn, _en_after, _en_before)

    def extract(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for pattern, period_group, rate_group in ((self._cn, 1, 2), (self._en_after, 2, 1), (self._en_before, 1, 2)):
            for match in pattern.finditer(text):
                period = self._periods[match.group(period_group)]
                if float(match.group(rate_group)) >= self.min_rate[period]:
                    spans.append(match.span())
        return spans


class IncomeClaim(_Tunable):
    """Earnings per period: `日赚500-1000`, `月入5位数`, `年入百万`, `earn $5k a month`."""

    id = "extract.wealth_story.income_claim"
    # min_income: the least per period that reads as a lure rather than a salary.
    tunable: ClassVar[dict[str, str]] = {"min_income": "periods"}
    min_income: dict[str, float]
    _cn_periods: ClassVar[dict[str, str]] = {
        "日赚": "day",
        "日入": "day",
        "日收": "day",
        "日进": "day",
        "每天赚": "day",
        "一天赚": "day",
        "一天就能赚": "day",
        "一天能赚": "day",
        "每天能赚": "day",
        "每天就能赚": "day",
        "天赚": "day",
        "每天收入": "day",
        "周赚": "week",
        "一周赚": "week",
        "月入": "month",
        "月赚": "month",
        "月收入": "month",
        "一个月赚": "month",
        "每月赚": "month",
        "年入": "year",
        "年赚": "year",
        "年薪": "year",
        "年收入": "year",
    }
    _cn = re.compile(
        r"(每天收入|一天就能赚|一天能赚|每天就能赚|每天能赚|一个月赚|日赚|日入|日收|日进|每天赚|一天赚|天赚|周赚|一周赚|月入|月赚|月收入|每月赚|年入|年赚|年薪|年收入)\s{0,2}(?:轻松|稳定|至少|超过|过|破)?\s{0,2}"
    )
    _digits_word = re.compile(r"^([五六七八九]|[5-9])位数")
    _en = re.compile(
        r"(?:make|earn|making|earning|made|earned|profit|profiting)\s{1,3}(?:up to\s{1,2}|over\s{1,2})?\$?"
    )
    _en_period = re.compile(
        r"^(?:\s{0,2}[-~to]{1,2}\s{0,2}\$?[\d.,]{1,9}[km]?)?\s{0,2}(?:usd|dollars?)?\s{0,2}(?:a|per|every|each|/)\s{0,2}(day|week|month|year)"
    )

    requires = (_cn, _en)

    def extract(self, text: str) -> list[Span]:
        spans: list[Span] = []
        amounts = find_amounts(text)
        by_start = {a.start: a for a in amounts}
        for match in self._cn.finditer(text):
            period = self._cn_periods[match.group(1)]
            digits = self._digits_word.match(text[match.end() : match.end() + 4])
            if digits:
                spans.append((match.start(), match.end() + digits.end()))
                continue
            amount = by_start.get(match.end())
            if amount and amount.value >= self.min_income[period]:
                spans.append((match.start(), amount.end))
        for match in self._en.finditer(text):
            amount = by_start.get(match.end())
            if amount is None:
                continue
            tail = self._en_period.match(text[amount.end : amount.end + 30])
            if tail is None:
                continue
            # "$5k-$10k a month": judge the claim by the top of the range.
            top = max([amount.value, *(a.value for a in find_amounts(tail.group(0)))])
            if top >= self.min_income[tail.group(1)]:
                spans.append((match.start(), amount.end + tail.end()))
        return spans


class Leverage(_Tunable):
    """High leverage: `50倍多单`, `开了100倍`, `100x long`, `leverage up to 125x`."""

    id = "extract.leverage.multiple"
    tunable: ClassVar[dict[str, str]] = {"min_multiple": "number"}
    min_multiple: float
    _after = re.compile(
        r"(\d{1,3})\s{0,1}(?:倍|x)\s{0,2}(?:杠杆|多单|空单|合约|做多|做空|开多|开空|leverage|long|short|lev)(?![a-z])"
    )
    _before = re.compile(
        r"(?:杠杆|合约|开了|开|leverage|lev)\s{0,4}(?:up to\s{0,2}|开到|加到|上)?(\d{1,3})\s{0,1}(?:倍|x)(?![a-z])"
    )

    requires = (_after, _before)

    def extract(self, text: str) -> list[Span]:
        return [
            m.span()
            for pattern in (self._after, self._before)
            for m in pattern.finditer(text)
            if int(m.group(1)) >= self.min_multiple
        ]


class ResourcePrice(_Tunable):
    """A price next to a trading resource: `原价398…只要59.9`, `signals room for just $39`."""

    id = "extract.paid_resource.price"
    _price = re.compile(
        r"(?:[$¥]\s{0,1}|(?:原价|特惠|只要|仅需|售价|现价|限时|优惠价|价格|入群费|会员费)\s{0,2})(\d{1,4}(?:\.\d{1,2})?)(?![\d.])"
        r"|(?<![\d.])(\d{1,4}(?:\.\d{1,2})?)\s{0,1}(?:元|块|rmb|usd|dollars?|bucks)(?![a-z])"
    )
    _resource = re.compile(
        r"手册|秘籍|秘诀|源码|社群|会员|内参|指标|策略|信号|喊单|带单|vip|course|blueprint|e-?book|signals?|membership|masterclass|playbook|mentorship|group(?!s?\s{1,2}of\s)"
    )
    # A rate for someone's time is a fee for a service, not the price of a resource: "$35/hr".
    _per_hour = re.compile(r"\s{0,1}(?:/|per\s|an\s|a\s)\s{0,1}(?:hr|hour|session|lesson|class)(?![a-z])")
    # A price between min_price and max_price within `window` characters of a resource word.
    tunable: ClassVar[dict[str, str]] = {"min_price": "number", "max_price": "number", "window": "number"}
    min_price: float
    max_price: float
    window: float
    requires = (_price,)

    def extract(self, text: str) -> list[Span]:
        window = int(self.window)
        for match in self._price.finditer(text):
            value = float(match.group(1) or match.group(2))
            if not self.min_price <= value <= self.max_price or self._per_hour.match(text, match.end()):
                continue
            lo, hi = max(0, match.start() - window), match.end() + window
            resource = self._resource.search(text, lo, hi)
            if resource:
                return [match.span(), resource.span()]
        return []


class CreditedHandle(_Tunable):
    """A short comment that tags an account and credits it with investment results.

    `I received my payout today, thank you @anna_m` or `#grace_w_ god bless, my 5th profit`: the
    shill comments under finance posts. One comment holds all three (a tagged account, a word
    of results and a word of credit) but in any order, so no single pattern says it. A long post
    that happens to hold the three (a newsletter tagging its sources) is not a comment: only
    posts up to `max_chars` are read.
    """

    id = "extract.contact_diversion.credited_handle"
    tunable: ClassVar[dict[str, str]] = {"max_chars": "number", "results": "words", "credit": "words"}
    max_chars: float
    results: list[str]
    credit: list[str]
    # @name (not an e-mail address), or a #name_ tag with an underscore: a handle written as a
    # hashtag where @ is filtered (#forex, #trading are topics).
    _handle = re.compile(r"@(?<![a-z0-9._]@)[a-z0-9_.]{3,30}|#(?<![a-z0-9]#)(?=[a-z0-9.]{0,30}_)[a-z0-9_.]{3,30}")
    requires = (_handle,)

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._results = re.compile(literal_alternation(self.results))
        self._credit = re.compile(literal_alternation(self.credit))

    def extract(self, text: str) -> list[Span]:
        if len(text) > self.max_chars:
            return []
        handle = self._handle.search(text)
        if handle is None:
            return []
        if self._results.search(text) is None or self._credit.search(text) is None:
            return []
        # The handle is the evidence: where the reader is sent. Inside a quote ("a comment saying
        # 'thanks to @someone' is a bot") it is someone else's words, as any span is.
        return [handle.span()]


EXTRACTORS: tuple[type[Extractor], ...] = (
    ContactHandle,
    MoneyGrowth,
    ReturnRate,
    IncomeClaim,
    Leverage,
    ResourcePrice,
    CreditedHandle,
)
