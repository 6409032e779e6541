"""Quantified targets in a plan item: 不少于2000人次, 新增高技能人才200人, 不超过3起.

Comparators 不少于 / 不低于 / 至少 / 达到 / 超过 / 以上 read as ≥, 不超过 / 控制在 / 以内 as ≤,
保持在 / 稳定在 as =; rises (提高2个百分点, 增长8%) as ≥;
planned quantities after a verb (新增, 培育, 建成…) read as ≥ unless the clause tells history
(以来, 累计…). Numbers that are names (二十大, “五小”, 〔2022〕12号) carry no unit and are left.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from tasks.documents.numbers import chinese_number

CN = "一二三四五六七八九十"


@dataclass
class ParsedIndicator:
    name: str
    comparator: str
    value: Decimal
    unit: str
    sentence: str = ""  # the sentence of the document it was read from


UNITS = [
    *("个工作日", "万人次", "人次", "万元", "亿元", "万人", "场次", "家次", "学时", "课时", "小时"),
    *("人", "名", "家", "个", "条", "%", "项", "次", "场", "期", "户", "件", "篇", "所", "支"),
    *("元", "对", "套", "处", "座", "台", "起", "天", "本", "门", "班"),
]
UNIT = "|".join(re.escape(u) for u in UNITS)
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN}零两百千万]+)"
NAME = r"(?P<name>[^，。；、：:（）()\n]*?)"
COMPARED = re.compile(
    rf"{NAME}(?P<cmp>不少于|不低于|至少|达到|超过|不超过|控制在|保持在|稳定在|保持)\s*"
    rf"(?P<num>{NUMBER})\s*(?P<unit>{UNIT})(?P<suffix>以上|以内|以下)?"
)
SUFFIXED = re.compile(rf"{NAME}(?P<num>{NUMBER})\s*(?P<unit>{UNIT})(?P<suffix>以上|以内)")
RATE = re.compile(r"(?P<name>[^，。；、：:（）()\n]*?率)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%)")
# A rise: 占比提高2个百分点, 收入增长8%.
RISE = re.compile(
    rf"{NAME}(?P<verb>提高|提升|增长|增加|上升)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>个百分点|%)"
)
# What is counted may be named in quotes: 新建“职工驿站”“户外劳动者服务站”15个.
WORDS = r"[\u4e00-\u9fa5“”]{0,24}?"
PLANNED = re.compile(
    rf"(?P<verb>新增|培育|培训|建成|建设|组建|举办|评选|选树|发展|新建|创建)"
    rf"(?P<name>{WORDS})(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>{UNIT})"
    rf"(?P<more>(?:、{WORDS}\d+(?:\.\d+)?\s*(?:{UNIT}))*)"
)
# A part of a planned quantity: 新增技能人才3万人，其中高技能人才1万人.
PART = re.compile(rf"其中(?P<name>{WORDS})(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>{UNIT})")
MORE = re.compile(rf"、(?P<name>{WORDS})(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>{UNIT})")
LEADING = re.compile(r"^(\d{1,2}[.．、]|其中|并|确保|力争|全年|争取|使|且|要|每年|努力|今年|继续)+")
HISTORY = re.compile(r"以来|累计|截至|已经|去年|上年|此前|近[一二三四五两\d]+年")


def find_targets(text):
    """Quantified targets in an item's text, in the order they appear."""
    targets, taken = [], []

    def add(match, name, comparator, span, stated=True):
        value = to_number(match["num"])
        if value is None or any(a < span[1] and span[0] < b for a, b in taken):
            return
        if not stated and HISTORY.search(clause_at(text, span[0])):
            return  # a count of what was done is not a target
        name = LEADING.sub("", name.strip())[-30:] or match["unit"]
        taken.append(span)
        if all(t.name != name for _start, t in targets):
            sentence = sentence_at(text, span[0])
            indicator = ParsedIndicator(name, comparator, value, match["unit"], sentence)
            targets.append((span[0], indicator))

    for match in COMPARED.finditer(text):
        add(match, match["name"], comparator_of(match), match.span())
    for match in SUFFIXED.finditer(text):
        add(match, match["name"], "<=" if match["suffix"] == "以内" else ">=", match.span())
    for match in RISE.finditer(text):
        add(match, match["name"] + match["verb"], ">=", match.span())
    for match in RATE.finditer(text):
        add(match, match["name"], ">=", match.span(), stated=False)
    for match in PLANNED.finditer(text):
        end = match.start("more")
        add(match, match["verb"] + match["name"], ">=", (match.start(), end), stated=False)
        for more in MORE.finditer(match["more"]):
            span = (end + more.start(), end + more.end())
            add(more, match["verb"] + more["name"], ">=", span, stated=False)
    for match in PART.finditer(text):
        add(match, match["name"], ">=", match.span(), stated=False)
    return [t for _start, t in sorted(targets, key=lambda pair: pair[0])]


def clause_at(text, position):
    """The clause around a position: between the punctuation marks on either side."""
    start = max(text.rfind(mark, 0, position) for mark in "，。；") + 1
    ends = [i for i in (text.find(mark, position) for mark in "，。；") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def comparator_of(match):
    """≤ for a ceiling (不超过, 控制在, …以内), = for a level to hold (保持在95%), else ≥."""
    if match["cmp"] in ("不超过", "控制在") or match["suffix"] in ("以内", "以下"):
        return "<="
    if match["cmp"] in ("保持在", "稳定在", "保持") and not match["suffix"]:
        return "="
    return ">="


def sentence_at(text, position):
    """The sentence around a position: from the mark that ends the one before to its own."""
    start = max(text.rfind(mark, 0, position) for mark in "。；\n") + 1
    ends = [i for i in (text.find(mark, position) for mark in "。；\n") if i >= 0]
    return text[start : min(ends) + 1 if ends else len(text)].strip()


def to_number(text):
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    return chinese_number(text)
