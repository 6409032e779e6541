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
ROLE_FIELD = re.compile(rf"(?:{ROLE_KEYS})[：:]")
NAME_SPLIT = re.compile(r"[、，,；;\s]+")
SEPARATORS, OPENING, CLOSING = "、，,；;", "（(", "）)"
SHORTEST_NAME = 3  # a piece shorter than this is part of a name broken by a space or line
LEAD_MARK = re.compile(r"[（(]牵头[）)]$")
# "列第一位的为牵头单位（下同）": a note on how the document names lead units, not a unit.
LEAD_NOTE = re.compile(r"[（(]?(?:排)?列(?:在)?第一位的?(?:单位)?为牵头单位[，,]?(?:下同)?[）)]?")
BRACKETED_FIELDS = re.compile(rf"^[（(]((?:{ROLE_KEYS}|{DUE_KEYS})[：:].*)[）)]$")
NOT_ITEMS = re.compile(r"^(抄报|抄送|报：|送：|主送|附件|联系人|联系电话)")
TITLE_ENDINGS = (
    *("方案", "意见", "要点", "计划", "办法", "清单", "细则", "措施", "任务", "分工", "分工表"),
    "重点工作",
)
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fa5]{2,12}〔\d{4}〕\d+号$")
DATE_LINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
SIGNATURE_DATE = re.compile(r"^[^。；：:，,（(]{0,30}\d{4}年\d{1,2}月\d{1,2}日(印发)?$")
TITLE_YEAR = re.compile(r"[（(]\d{4}年?[）)]$")
NOTICE_OF = re.compile(r"^关于印发《([^》]{4,80})》的通知$")
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
    due_text: str = ""  # a 完成时限 that is no date (长期坚持, 每季度), kept as written


@dataclass
class ParsedSection:
    code: str
    title: str
    tasks: list = field(default_factory=list)
    # Its heading's line and the text under the heading that is no task's.
    source: list = field(default_factory=list, compare=False, repr=False)


@dataclass
class ParsedPlan:
    title: str
    year: int | None
    sections: list
    doc_number: str = ""
    issued_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    # The body's paragraphs and table rows that became no part of a section or a task.
    unused: list = field(default_factory=list)

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
                            "due_text": t.due_text,
                            "indicators": [
                                asdict(i) | {"value": number(i.value)} for i in t.indicators
                            ],
                        }
                        for t in s.tasks
                    ],
                }
                for s in self.sections
            ],
            "unused": self.unused,
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
        line = BRACKETED_FIELDS.sub(r"\1", line)  # （责任单位：…） on a line of its own
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
        elif wraps_field(joined, line):
            joined[-1] += " " + line  # a name broken by the line: split_names joins it back
        else:
            joined.append(line)
    return joined


def wraps_field(joined, line):
    """A short line that goes on with the names of the field line before it (text copied
    from a PDF breaks a line wherever the page ends)."""
    return (
        bool(joined)
        and FIELD_LINE.match(joined[-1]) is not None
        and not joined[-1].endswith(SENTENCE_END)
        and len(line) <= 30
        and "。" not in line
        and marker(line) is None
        and not FIELD_LINE.match(line)
        and not NOT_ITEMS.match(line)
        and not SIGNATURE_DATE.match(line)
    )


def parse_plan(text: str, known=()) -> ParsedPlan:
    """The plan a document states; `known`: the names of units already known, against which
    a name broken over a line or by a stray space is repaired."""
    lines = clean_lines(text or "")
    if not lines:
        raise ParseError("没有内容：请粘贴或上传方案全文。")
    start = first_structure(lines)
    preamble = join_title_lines(lines[:start]) if start else []
    body = join_page_breaks(lines[start:])
    sections, unused = build_sections(body)
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
        unused=in_order(body, unused, sections),
        doc_number=next((line for line in preamble if DOC_NUMBER.match(line)), ""),
        issued_on=issued_on,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    # Twice: the second time a name broken by a space or a line is repaired against the
    # names the document gives whole (and the units the caller knows).
    fields = {id(task): task.__dict__.pop("fields") for task in plan.tasks}
    for task in plan.tasks:
        finish_task(task, year, fields[id(task)], known)
    named = {name for task in plan.tasks for name in task.lead + task.support}
    for task in plan.tasks:
        finish_task(task, year, fields[id(task)], named | set(known))
    return plan


def in_order(body, unused, sections):
    """The lines of the body that no section or task holds, in the document's order: a
    section's heading line is used when it has tasks, the text under it never is."""
    left = list(unused)
    for section in sections:
        heading, *under = section.source or [""]
        left += under if section.tasks else [heading, *under]
    position = {line: i for i, line in reversed(list(enumerate(body)))}
    return sorted((line for line in left if line), key=lambda line: position.get(line, 0))


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
    """The last line that reads as a plan's title, else the one a 印发 notice names."""
    candidates = [
        line
        for line in preamble
        if TITLE_YEAR.sub("", line).endswith(TITLE_ENDINGS) and len(line) <= 80 and "。" not in line
    ]
    if candidates:
        return candidates[-1]
    named = (NOTICE_OF.search(line) for line in preamble)
    return next((match[1] for match in named if match), "")


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
        self.unused = []  # lines that belong to no heading, sub-heading or item

    def heading(self, code, text, line=""):
        group = {"code": code, "title": text, "items": [], "subs": [], "lines": [line]}
        self.groups.append(group)
        self.current = None

    def group(self):
        if not self.groups:
            self.heading("", "")
        return self.groups[-1]

    def sub(self, code, text, line=""):
        sub = {"code": code, "title": text, "items": [], "lines": [], "line": line}
        self.group()["subs"].append(sub)
        self.current = sub

    def item(self, code, text):
        group = self.group()
        owner = group["subs"][-1] if group["subs"] else group
        item = {"code": code, "lines": [text]}
        owner["items"].append(item)
        self.current = item

    def signature(self, date_line):
        lines = self.current["lines"] if self.current is not None else []
        if len(lines) > 1 and len(lines[-1]) < 30 and not lines[-1].endswith(SENTENCE_END):
            self.unused.append(lines.pop())  # the issuing unit's name before the date
        self.unused.append(date_line)
        self.current = None

    def line(self, text):
        if self.current is not None:
            self.current["lines"].append(text)
        elif self.groups:
            self.groups[-1]["lines"].append(text)  # under a heading, before its items
        else:
            self.unused.append(text)


def item_level(body):
    """The numbered kind that marks tasks. Where responsibility fields are given, the kind
    whose items carry most of them (the shallower on a tie); None if that is the （一）
    kind: those are the tasks, and the numbered lines below them their measures (具体举措).
    Without fields: 1、 before （1） before ①, the first that appears."""
    counts = carriers(body)
    if any(counts.values()):
        best = max(("sub", *ITEM_PATTERNS), key=lambda kind: counts.get(kind, 0))
        return None if best == "sub" else best
    kinds = [found[0] for found in map(marker, body) if found]
    for kind in ITEM_PATTERNS:
        if kind in kinds:
            return kind
    return None


def carriers(body):
    """How many numbered lines of each kind carry responsibility fields: in their own text,
    or on field lines below them. Field lines that follow only the last of a （一） item's
    numbered measures, none of the others carrying any, close the （一） item itself."""
    nodes = []  # [kind, carries in its text, carries on a line below, its （一） node]
    sub = None
    for line in body:
        found = marker(line)
        if found:
            node = [found[0], bool(ROLE_FIELD.search(found[2])), False, sub]
            nodes.append(node)
            sub = node if found[0] == "sub" else None if found[0] == "heading" else sub
        elif nodes and ROLE_FIELD.match(line):
            nodes[-1][2] = True
    for parent in (n for n in nodes if n[0] == "sub"):
        measures = [n for n in nodes if n[3] is parent and n is not parent]
        carrying = [n for n in measures if n[1] or n[2]]
        if len(measures) > 1 and carrying == [measures[-1]] and not measures[-1][1]:
            measures[-1][2], parent[2] = False, True
    counts = {}
    for kind, inline, below, _sub in nodes:
        counts[kind] = counts.get(kind, 0) + (inline or below)
    return counts


def build_sections(body):
    """The sections, and the lines that became no part of one (the 落款, 抄送, …)."""
    builder = Builder(item_level(body))
    for line in body:
        if NOT_ITEMS.match(line):
            builder.unused.append(line)
            builder.current = None
            continue
        if SIGNATURE_DATE.match(line):
            builder.signature(line)  # 落款: the issuer and the date close the document
            continue
        found = marker(line)
        kind = found[0] if found else None
        if kind == "heading":
            builder.heading(found[1], found[2], line)
        elif kind == "sub":
            builder.sub(found[1], found[2], line)
        elif found and kind == builder.item_kind:
            builder.item(found[1], found[2])
        else:
            builder.line(line)
    sections = [section for group in builder.groups for section in group_sections(group)]
    return sections, builder.unused


def group_sections(group):
    """A heading's sub-headings are sections when they hold items, else they are the items.
    Each section keeps the lines under its heading that no task holds (`source`)."""
    subs_with_items = [s for s in group["subs"] if s["items"]]
    if subs_with_items:
        sections = [
            ParsedSection(
                s["code"],
                s["title"],
                [task_from_item(i) for i in s["items"]],
                [s["line"], *s["lines"]],
            )
            for s in group["subs"]
        ]
        sections[0].source[:0] = group["lines"]
        return sections
    if group["items"]:
        tasks = [task_from_item(i) for i in group["items"]]
        extra = [line for s in group["subs"] for line in (s["line"], *s["lines"])]
        return [ParsedSection(group["code"], group["title"], tasks, group["lines"] + extra)]
    tasks = [task_from_sub(s) for s in group["subs"]]
    return [ParsedSection(group["code"], group["title"], [t for t in tasks if t], group["lines"])]


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


def finish_task(task, year, fields, known):
    """Departments, deadline and targets from the item's parenthetical, field lines and text."""
    values = {}
    body, paren = split_trailing_fields(task.content)
    sources = ([paren] if paren else []) + INLINE_FIELD.findall(body) + fields
    for source in sources:
        for key, value in fields_in(source):
            values.setdefault(key, []).append(value)
    task.lead, task.support = roles(values, known)
    due_text = " ".join(v for k, vs in values.items() if re.fullmatch(DUE_KEYS, k) for v in vs)
    body = INLINE_FIELD.sub("", body)
    task.due = last_date(due_text, year) or (
        None if due_text else last_date(body, year, loose=False)
    )
    task.due_text = "" if task.due else due_text  # 长期坚持, 每季度: no date, never a guess
    task.indicators = find_targets(body)


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


def names(values, known=frozenset()):
    """The unit names in fields' values, in order."""
    return [name for value in values for name in split_names(value, known)]


def split_names(value, known=frozenset()):
    """Names split at 、，； outside brackets (各县（市、区）总工会 stays whole), and at spaces
    only between whole names: a space or line break inside a name (市人 社局, text copied
    from a PDF) leaves a piece too short to be a unit, or two that make a `known` name; they
    are joined back."""
    parts, depth, current = [], 0, ""
    for ch in LEAD_NOTE.sub("", value):
        depth += (ch in OPENING) - (ch in CLOSING and depth > 0)
        if depth == 0 and ch in SEPARATORS:
            parts.append(current)
            current = ""
        else:
            current += ch
    found = []
    for part in [*parts, current]:
        pieces = []
        for piece in part.split():
            if pieces and (
                min(len(piece), len(pieces[-1])) < SHORTEST_NAME or pieces[-1] + piece in known
            ):
                pieces[-1] += piece
            else:
                pieces.append(piece)
        found += [p.strip("。.") for p in pieces]
    return [name for name in found if name and name not in ("等", "各")]


def roles(values, known=frozenset()):
    def named(*keys):
        return names([value for key in keys for value in values.get(key, [])], known)

    lead = named("牵头单位", "牵头部门")
    others = named("配合单位", "配合部门", "协办单位", "参与单位")
    responsible = named("责任部门", "责任单位")
    marked = [n for n in others + responsible if LEAD_MARK.search(n)]  # 市人社局（牵头）
    if marked:
        lead += [LEAD_MARK.sub("", n) for n in marked]
        others = [n for n in others if n not in marked]
        responsible = [n for n in responsible if n not in marked]
    if lead:
        support = others + responsible
    elif responsible:
        lead, support = responsible[:1], responsible[1:] + others
    else:
        support = others
    seen = set(lead)
    return lead, [n for n in support if not (n in seen or seen.add(n))]
