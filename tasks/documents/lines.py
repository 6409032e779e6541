"""A plan document's lines: cleaned, numbered items told apart, lines broken by a page joined."""

import re
import unicodedata

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
BRACKETED_FIELDS = re.compile(rf"^[（(]((?:{ROLE_KEYS}|{DUE_KEYS})[：:].*)[）)]$")
NOT_ITEMS = re.compile(r"^(抄报|抄送|报：|送：|主送|附件|联系人|联系电话)")
SIGNATURE_DATE = re.compile(r"^[^。；：:，,（(]{0,30}\d{4}年\d{1,2}月\d{1,2}日(印发)?$")


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
