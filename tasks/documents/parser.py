"""Reads an issued plan document into sections, tasks, departments, deadlines and targets.

Pure text processing, no database: `parse_plan(text)` returns a `ParsedPlan`; `as_json()` is
the shape `import_plan --json` prints. The rules follow how 分工方案 and 实施意见 are written:

- structure: headings 一、 and （一）, items 1、 / 1. / （1） / ①; where a heading holds no
  numbered items, its （一）-style sub-headings are the items; preamble, notice text,
  signatures and 抄报 lines are not items; a sentence split by a page break is joined;
- a task's title is the clause before its first 。;
- departments from （责任部门：…）, （牵头单位：…；责任单位：…）, （牵头部门：…，配合部门：…）
  or such a line after the item; where only 责任部门 is given the first named leads;
- deadlines from 完成时限 / 时间节点 / 时限要求 and phrases such as 2024年12月底前;
- targets from 不少于 / 不低于 / 至少 / 达到 / 超过 / 以上 / 不超过 / 以内 and planned
  quantities (新增高技能人才200人).
"""

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date

from tasks.documents.dates import last_date, plan_period, safe_date
from tasks.documents.targets import find_targets

SENTENCE_END = tuple("。；！？：:”’）)…")
CN = "一二三四五六七八九十"
HEADING = re.compile(rf"^(?P<code>[{CN}]+)[、．.]\s*(?P<text>.*)$")
SUBHEADING = re.compile(rf"^(?P<code>[（(][{CN}]+[）)])\s*(?P<text>.*)$")
ITEM_PATTERNS = {
    "arabic": re.compile(r"^(?P<code>\d{1,3})(?:[、．]|\.(?!\d))\s*(?P<text>.*)$"),
    "paren": re.compile(r"^(?P<code>[（(]\d{1,3}[）)])\s*(?P<text>.*)$"),
    "circled": re.compile(r"^(?P<code>[①-⑳])\s*(?P<text>.*)$"),
}
ROLE_KEYS = "牵头单位|牵头部门|责任部门|责任单位|配合单位|配合部门|协办单位|参与单位"
DUE_KEYS = "完成时限|时间节点|时限要求|完成时间"
FIELD_LINE = re.compile(rf"^(?:{ROLE_KEYS}|{DUE_KEYS})[：:]")
FIELD = re.compile(rf"(?P<key>{ROLE_KEYS}|{DUE_KEYS})[：:]")
NAME_SPLIT = re.compile(r"[、，,；;\s]+")
NOT_ITEMS = re.compile(r"^(抄报|抄送|报：|送：|主送|附件|联系人|联系电话)")
TITLE_ENDINGS = (
    *("方案", "意见", "要点", "计划", "办法", "清单", "细则", "措施", "任务", "分工", "分工表"),
)
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fa5]{2,12}〔\d{4}〕\d+号$")
DATE_LINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
SIGNATURE_DATE = re.compile(r"^[^。；：:，,（(]{0,30}\d{4}年\d{1,2}月\d{1,2}日(印发)?$")
TITLE_YEAR = re.compile(r"[（(]\d{4}年?[）)]$")
INLINE_FIELD = re.compile(rf"(?:{ROLE_KEYS}|{DUE_KEYS})[：:][^。（(\n]*")


class ParseError(ValueError):
    """The text holds no plan the parser can read; the message says why, in Chinese."""


@dataclass
class ParsedTask:
    code: str
    title: str
    content: str
    lead: list = field(default_factory=list)
    support: list = field(default_factory=list)
    due: date | None = None
    indicators: list = field(default_factory=list)


@dataclass
class ParsedSection:
    code: str
    title: str
    tasks: list = field(default_factory=list)


@dataclass
class ParsedPlan:
    title: str
    year: int | None
    sections: list
    doc_number: str = ""
    issued_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None

    def as_json(self):
        def number(value):
            return int(value) if value == value.to_integral_value() else float(value)

        return {
            "title": self.title,
            "year": self.year,
            "starts_on": self.starts_on and self.starts_on.isoformat(),
            "ends_on": self.ends_on and self.ends_on.isoformat(),
            "sections": [
                {
                    "code": s.code,
                    "title": s.title,
                    "tasks": [
                        {
                            "code": t.code,
                            "title": t.title,
                            "content": t.content,
                            "lead": t.lead,
                            "support": t.support,
                            "due": t.due.isoformat() if t.due else None,
                            "indicators": [
                                asdict(i) | {"value": number(i.value)} for i in t.indicators
                            ],
                        }
                        for t in s.tasks
                    ],
                }
                for s in self.sections
            ],
        }

    @property
    def tasks(self):
        return [t for s in self.sections for t in s.tasks]


def normalize(line):
    """Full-width digits and letters to half-width for matching; the text itself is kept."""
    return "".join(
        unicodedata.normalize("NFKC", ch)
        if "０" <= ch <= "９" or "Ａ" <= ch <= "ｚ" or ch == "％"
        else ch
        for ch in line
    )


def clean_lines(text):
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = normalize(raw).strip()
        line = re.sub(r"^[-·•]\s*", "", line)
        if line:
            lines.append(line)
    return lines


def marker(line):
    """What a line starts with: ('heading'|'sub'|item kind, code, text), or None."""
    for kind, pattern in [("heading", HEADING), ("sub", SUBHEADING), *ITEM_PATTERNS.items()]:
        match = pattern.match(line)
        if match and match["text"] is not None:
            return kind, match["code"], match["text"].strip()
    return None


def is_heading_only(line):
    found = marker(line)
    return found is not None and "。" not in found[2] and len(found[2]) <= 40


def join_page_breaks(lines):
    """A line that does not end a sentence continues on the next, unless that one starts a
    new item or field, or the line is a heading of its own."""
    joined = []
    for line in lines:
        if (
            joined
            and not joined[-1].endswith(SENTENCE_END)
            and marker(line) is None
            and not FIELD_LINE.match(line)
            and not NOT_ITEMS.match(line)
            and not is_heading_only(joined[-1])
            and not FIELD_LINE.match(joined[-1])
        ):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def parse_plan(text: str) -> ParsedPlan:
    lines = clean_lines(text or "")
    if not lines:
        raise ParseError("没有内容：请粘贴或上传方案全文。")
    start = first_structure(lines)
    preamble = join_title_lines(lines[:start]) if start else []
    body = join_page_breaks(lines[start:])
    sections = build_sections(body)
    if not any(s.tasks for s in sections):
        raise ParseError(
            "没有找到任何任务条目。方案中的条目应以“1、”“（一）”等编号开头，"
            "请检查粘贴的内容是否完整。"
        )
    title = plan_title(preamble) or (sections[0].title if sections else "")
    year, issued_on = plan_year(title, preamble, lines)
    starts_on, ends_on = plan_period(title, year, issued_on, "\n".join(lines))
    plan = ParsedPlan(
        title=title,
        year=year,
        sections=[s for s in sections if s.tasks],
        doc_number=next((line for line in preamble if DOC_NUMBER.match(line)), ""),
        issued_on=issued_on,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    for task in plan.tasks:
        finish_task(task, year)
    return plan


def first_structure(lines):
    """Index of the first heading or item: where the body starts."""
    for i, line in enumerate(lines):
        found = marker(line)
        if found and found[0] in ("heading", "arabic") and i > 0:
            return i
        if found and i == 0:
            return 0
    return len(lines)


def join_title_lines(lines):
    """A title broken over several short lines is read as one."""
    joined = []
    for line in lines:
        if (
            joined
            and not joined[-1].endswith(SENTENCE_END + TITLE_ENDINGS + ("通知",))
            and len(joined[-1]) < 30
            and not DOC_NUMBER.match(joined[-1])
            and not DOC_NUMBER.match(line)
            and not DATE_LINE.search(line)
            and not DATE_LINE.search(joined[-1])
        ):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def plan_title(preamble):
    candidates = [
        line
        for line in preamble
        if TITLE_YEAR.sub("", line).endswith(TITLE_ENDINGS) and len(line) <= 80 and "。" not in line
    ]
    return candidates[-1] if candidates else ""


def plan_year(title, preamble, lines):
    issued = None
    for line in reversed(lines):
        match = DATE_LINE.search(line)
        if match and len(line) <= 40:
            issued = safe_date(int(match[1]), int(match[2]), int(match[3]))
            break
    year = re.search(r"(20\d{2})年", title)
    if year:
        return int(year[1]), issued
    if issued:
        return issued.year, issued
    numbers = [line for line in preamble if DOC_NUMBER.match(line)]
    year = re.search(r"〔(\d{4})〕", numbers[0]) if numbers else None
    return (int(year[1]) if year else None), issued


class Builder:
    """Walks the body lines, keeping the current heading, sub-heading and item."""

    def __init__(self, item_kind):
        self.item_kind = item_kind
        self.groups = []  # [heading, [subgroups]] with items directly or under sub-headings
        self.current = None  # the item or sub-heading collecting content lines

    def heading(self, code, text):
        self.groups.append({"code": code, "title": text, "items": [], "subs": []})
        self.current = None

    def group(self):
        if not self.groups:
            self.heading("", "")
        return self.groups[-1]

    def sub(self, code, text):
        sub = {"code": code, "title": text, "items": [], "lines": []}
        self.group()["subs"].append(sub)
        self.current = sub

    def item(self, code, text):
        group = self.group()
        owner = group["subs"][-1] if group["subs"] else group
        item = {"code": code, "lines": [text]}
        owner["items"].append(item)
        self.current = item

    def signature(self):
        lines = self.current["lines"] if self.current is not None else []
        if len(lines) > 1 and len(lines[-1]) < 30 and not lines[-1].endswith(SENTENCE_END):
            lines.pop()  # the issuing unit's name on the line before the date
        self.current = None

    def line(self, text):
        if self.current is not None:
            self.current["lines"].append(text)


def item_level(body):
    """The numbered kind that marks tasks: 1、 before （1） before ①, the first that appears."""
    kinds = [found[0] for found in map(marker, body) if found]
    for kind in ITEM_PATTERNS:
        if kind in kinds:
            return kind
    return None


def build_sections(body):
    builder = Builder(item_level(body))
    for line in body:
        if NOT_ITEMS.match(line):
            builder.current = None
            continue
        if SIGNATURE_DATE.match(line):
            builder.signature()  # 落款: the issuer and the date close the document
            continue
        found = marker(line)
        kind = found[0] if found else None
        if kind == "heading":
            builder.heading(found[1], found[2])
        elif kind == "sub":
            builder.sub(found[1], found[2])
        elif found and kind == builder.item_kind:
            builder.item(found[1], found[2])
        else:
            builder.line(line)
    return [section for group in builder.groups for section in group_sections(group)]


def group_sections(group):
    """A heading's sub-headings are sections when they hold items, else they are the items."""
    subs_with_items = [s for s in group["subs"] if s["items"]]
    if subs_with_items:
        return [
            ParsedSection(s["code"], s["title"], [task_from_item(i) for i in s["items"]])
            for s in group["subs"]
        ]
    if group["items"]:
        return [
            ParsedSection(
                group["code"], group["title"], [task_from_item(i) for i in group["items"]]
            )
        ]
    tasks = [task_from_sub(s) for s in group["subs"]]
    return [ParsedSection(group["code"], group["title"], [t for t in tasks if t])]


def task_from_item(item):
    return make_task(item["code"], item["lines"])


def task_from_sub(sub):
    """A （一）-style item: its text, or its heading followed by the paragraphs under it."""
    if "。" in sub["title"] or not sub["lines"]:
        return make_task(sub["code"], [sub["title"], *sub["lines"]]) if sub["title"] else None
    task = make_task(sub["code"], sub["lines"])
    task.title = sub["title"]
    return task


def make_task(code, lines):
    content_lines = [line for line in lines if not FIELD_LINE.match(line)]
    fields = [line for line in lines if FIELD_LINE.match(line)]
    content = "\n".join(content_lines).strip()
    task = ParsedTask(code=code, title=task_title(content), content=content)
    task.fields = fields
    return task


def task_title(content):
    first = content.split("\n", 1)[0]
    title = first.split("。", 1)[0]
    if len(title) > 60:  # no 。 nearby: take the first clause
        title = re.split(r"[；，]", title, maxsplit=1)[0][:60]
    return split_trailing_fields(title)[0].strip()


def finish_task(task, year):
    """Departments, deadline and targets from the item's parenthetical, field lines and text."""
    values = {}
    body, paren = split_trailing_fields(task.content)
    sources = ([paren] if paren else []) + INLINE_FIELD.findall(body) + task.fields
    for source in sources:
        for key, value in fields_in(source):
            values.setdefault(key, []).append(value)
    task.lead, task.support = roles(values)
    due_text = " ".join(v for k, vs in values.items() if re.fullmatch(DUE_KEYS, k) for v in vs)
    body = INLINE_FIELD.sub("", body)
    task.due = last_date(due_text, year) or (
        None if due_text else last_date(body, year, loose=False)
    )
    task.indicators = find_targets(body)
    del task.fields


def split_trailing_fields(content):
    """The item's text and its closing parenthetical of fields, e.g. （牵头单位：…）.

    The parenthetical may itself hold brackets: 各辖市（区）总工会.
    """
    text = content.rstrip()
    if not text.endswith(("）", ")")):
        return content, None
    opening = list(re.finditer(rf"[（(](?=(?:{ROLE_KEYS}|{DUE_KEYS})[：:])", text))
    if not opening:
        return content, None
    return text[: opening[-1].start()], text[opening[-1].end() : -1]


def fields_in(text):
    matches = list(FIELD.finditer(text))
    for match, following in zip(matches, matches[1:] + [None], strict=True):
        end = following.start() if following else len(text)
        yield match["key"], text[match.end() : end].strip(" ；;，,。")


def names(values):
    return [n for v in values for n in NAME_SPLIT.split(v) if n and n not in ("等", "各")]


def roles(values):
    lead = names(values.get("牵头单位", []) + values.get("牵头部门", []))
    others = names(
        values.get("配合单位", [])
        + values.get("配合部门", [])
        + values.get("协办单位", [])
        + values.get("参与单位", [])
    )
    responsible = names(values.get("责任部门", []) + values.get("责任单位", []))
    if lead:
        support = others + responsible
    elif responsible:
        lead, support = responsible[:1], responsible[1:] + others
    else:
        support = others
    seen = set(lead)
    return lead, [n for n in support if not (n in seen or seen.add(n))]
