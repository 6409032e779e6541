"""A plan's structure from its numbering: which items are the tasks, their sections, and the
lines that belong to neither."""

import re

from tasks.documents.lines import (
    DUE_KEYS,
    FIELD_LINE,
    ITEM_PATTERNS,
    NOT_ITEMS,
    ROLE_FIELD,
    ROLE_KEYS,
    SENTENCE_END,
    SIGNATURE_DATE,
    marker,
)
from tasks.documents.plan import ParsedSection, ParsedTask


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
    strict = builder.item_kind is not None and any(carriers(body).values())
    sections, unused = [], builder.unused
    for group in builder.groups:
        found, left = group_sections(group, strict)
        sections += found
        unused += left
    return sections, unused


def group_sections(group, strict):
    """(a heading's sections, the lines under it that no section holds). Its sub-headings are
    sections when they hold items, else they are the items; `strict` (the tasks are the items
    that carry responsibility fields): only those of them that carry some."""
    heading, *intro = group["lines"]
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
        return sections, [heading, *intro]  # a heading above the sections is not carried
    subs = [(s["line"], *s["lines"]) for s in group["subs"]]
    if group["items"]:
        tasks = [task_from_item(i) for i in group["items"]]
        return [ParsedSection(group["code"], group["title"], tasks, group["lines"])], [
            line for sub in subs for line in sub
        ]
    items = [s for s in group["subs"] if not strict or any(map(ROLE_FIELD.search, sub_text(s)))]
    tasks = [t for t in map(task_from_sub, items) if t]
    left = [
        line for s, sub in zip(group["subs"], subs, strict=True) if s not in items for line in sub
    ]
    return [ParsedSection(group["code"], group["title"], tasks, group["lines"])], left


def sub_text(sub):
    return [sub["title"], *sub["lines"]]


def in_order(body, unused, sections):
    """The lines of the body that no section or task holds, in the document's order: a
    section's heading line is used when it has tasks, the text under it never is."""
    left = list(unused)
    for section in sections:
        heading, *under = section.source or [""]
        left += under if section.tasks else [heading, *under]
    position = {line: i for i, line in reversed(list(enumerate(body)))}
    return sorted((line for line in left if line), key=lambda line: position.get(line, 0))


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
    return ParsedTask(code=code, title=task_title(content), content=content, fields=fields)


def task_title(content):
    first = content.split("\n", 1)[0]
    title = first.split("。", 1)[0]
    if len(title) > 60:  # no 。 nearby: take the first clause
        title = re.split(r"[；，]", title, maxsplit=1)[0][:60]
    return split_trailing_fields(title)[0].strip()


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
