"""Deadlines as plans write them: 2024年12月底前, 6月底, 上半年, 年底; the last one named counts."""

import re
from calendar import monthrange
from datetime import date


def safe_date(year, month, day):
    try:
        return date(year, month, day)
    except ValueError:
        return None


DATE_PHRASE = re.compile(
    r"(?:(?P<year>20\d{2})年)?"
    r"(?:(?P<month>1[0-2]|0?[1-9])月(?P<part>底|末|中旬|上旬|下旬|(?P<day>[1-3]?\d)日)?"
    r"|(?P<half>上半年|下半年|年底|年末))"
)


def last_date(text, year, loose=True):
    """The last date a text names (the deadline when several are given), or None.

    In an item's own text only explicit deadlines count (…月底前, …年底前完成), so a date
    that is history is not taken for a deadline.
    """
    found = None
    for match in DATE_PHRASE.finditer(text or ""):
        if not loose and not re.match(r"\s*(前|之前|完成|底前)", text[match.end() :]):
            continue
        if not loose and not (match["part"] or match["half"]):
            continue
        when = phrase_date(match, year)
        if when:
            found = when
    return found


def phrase_date(match, year):
    year = int(match["year"]) if match["year"] else year
    if year is None:
        return None
    if match["half"]:
        return date(year, 6, 30) if match["half"] == "上半年" else date(year, 12, 31)
    if not match["month"]:
        return None
    month = int(match["month"])
    last = monthrange(year, month)[1]
    if match["day"]:
        return safe_date(year, month, int(match["day"]))
    return date(year, month, {"上旬": 10, "中旬": 20}.get(match["part"], last))
