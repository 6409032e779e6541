"""Reads an issued plan document into sections, tasks, departments, deadlines and targets.

Pure text processing, no database: `parse_plan(text)` returns a `ParsedPlan`; `as_json()` is
the shape `import_plan --json` prints. The rules follow how 分工方案 and 实施意见 are written:

- structure: headings 一、 and （一）, items 1、 / 1. / （1） / ①. The tasks are the kind of
  item that carries the responsible units (where none are given, the first item kind, or the
  （一） items of a heading without items); numbered lines below a task are its measures, kept
  in its content; preamble, notice text, signatures and 抄报 lines are not items, and every
  line of the body that ends up in no section or task is listed (`unused`); a sentence split
  by a page break is joined;
- a task's title is the clause before its first 。;
- departments from （责任部门：…）, （牵头单位：…；责任单位：…）, （牵头部门：…，配合部门：…）
  or such a line after the item; a name marked （牵头） leads, else the first named does;
  names are split outside brackets and repaired where a line or a space broke them;
- deadlines from 完成时限 / 时间节点 / 时限要求 and phrases such as 2024年12月底前; one
  written in words (长期坚持, 每季度) is no date and is kept as written (`due_text`);
- targets from 不少于 / 不低于 / 至少 / 达到 / 超过 / 以上 / 不超过 / 以内 / 保持在, rises
  (提高2个百分点) and planned quantities (新增高技能人才200人), each with its sentence.
"""

import re

from tasks.documents.dates import last_date, plan_period, safe_date
from tasks.documents.lines import (
    DUE_KEYS,
    FIELD,
    ROLE_KEYS,
    SENTENCE_END,
    clean_lines,
    join_page_breaks,
    marker,
)
from tasks.documents.names import roles
from tasks.documents.plan import ParsedPlan, ParseError
from tasks.documents.structure import build_sections, in_order, split_trailing_fields
from tasks.documents.targets import find_targets

TITLE_ENDINGS = (
    *("方案", "意见", "要点", "计划", "办法", "清单", "细则", "措施", "任务", "分工", "分工表"),
    "重点工作",
)
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fa5]{2,12}〔\d{4}〕\d+号$")
DATE_LINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
TITLE_YEAR = re.compile(r"[（(]\d{4}(?:\s*[—–\-至到]+\s*\d{4})?年?[）)]$")  # （2024—2026年）
NOTICE_OF = re.compile(r"^关于印发《([^》]{4,80})》的通知$")
# A field in the text, to the end of its sentence; brackets within it are part of a name
# (市总工会（牵头）, 各县（市、区）), a bracket it opens is not.
INLINE_FIELD = re.compile(rf"(?:{ROLE_KEYS}|{DUE_KEYS})[：:](?:[^。（(\n]|[（(][^（(）)\n]*[）)])*")


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
    values = [field_values(task) for task in plan.tasks]
    # A name broken by a space or a line is repaired against the names the document gives
    # whole elsewhere, and the units the caller knows.
    named = set(known)
    for found in values:
        lead, support = roles(found, frozenset(known))
        named.update(lead + support)
    for task, found in zip(plan.tasks, values, strict=True):
        finish_task(task, year, found, named)
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
    year = re.search(r"(20\d{2})(?:\s*[—–\-至到]+\s*20\d{2})?年", title)  # a range: its first
    if year:
        return int(year[1]), issued
    if issued:
        return issued.year, issued
    numbers = [line for line in preamble if DOC_NUMBER.match(line)]
    year = re.search(r"〔(\d{4})〕", numbers[0]) if numbers else None
    return (int(year[1]) if year else None), issued


def field_values(task):
    """key → [values] of the item's fields: its closing parenthetical, the fields written
    into its text and its field lines."""
    values = {}
    body, paren = split_trailing_fields(task.content)
    for source in ([paren] if paren else []) + INLINE_FIELD.findall(body) + task.fields:
        for key, value in fields_in(source):
            values.setdefault(key, []).append(value)
    return values


def finish_task(task, year, values, known):
    """Departments, deadline and targets from the item's fields (`field_values`) and text."""
    task.lead, task.support = roles(values, known)
    due_text = " ".join(v for k, vs in values.items() if re.fullmatch(DUE_KEYS, k) for v in vs)
    body = INLINE_FIELD.sub("", split_trailing_fields(task.content)[0])
    task.due = last_date(due_text, year) or (
        None if due_text else last_date(body, year, loose=False)
    )
    task.due_text = "" if task.due else due_text  # 长期坚持, 每季度: no date, never a guess
    task.indicators = find_targets(body)


def fields_in(text):
    matches = list(FIELD.finditer(text))
    for match, following in zip(matches, matches[1:] + [None], strict=True):
        end = following.start() if following else len(text)
        yield match["key"], text[match.end() : end].strip(" ；;，,。")
