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


YEAR_END = re.compile(r"(20\d{2})年(底|末)")


def last_date(text, year, loose=True):
    """The last date a text names (the deadline when several are given), or None.

    In an item's own text only explicit deadlines count (…月底前, …年底前完成), so a date
    that is history is not taken for a deadline.
    """
    found = None
    text = YEAR_END.sub(r"\1年年\2", text or "")  # 2026年底: the end of 2026
    for match in DATE_PHRASE.finditer(text):
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


# A period the document states: 执行期 / 实施期限 / 起止时间 …：2023年1月1日至2025年12月31日
STATED_PERIOD = re.compile(
    r"(?:执行期|实施期|实施期限|执行期限|起止时间|起止日期|期限)[^。\n]{0,8}?"
    r"(?P<y1>20\d{2})年(?P<m1>1[0-2]|0?[1-9])月(?:(?P<d1>[1-3]?\d)日)?起?\s*[至到—–-]+\s*"
    r"(?P<y2>20\d{2})年(?P<m2>1[0-2]|0?[1-9])月(?:(?P<d2>[1-3]?\d)日|底|末)?"
)
# Years in a title: （2023—2025年）, 2023-2025年
TITLE_YEARS = re.compile(r"(?P<y1>20\d{2})\s*[—–\-至到]+\s*(?P<y2>20\d{2})\s*年")
# A yearly plan: a title naming its year (2024年…工作要点, …实施方案（2024年）) or 年度.
YEARLY = re.compile(r"20\d{2}年|年度")


def plan_period(title, year, issued_on=None, text=""):
    """(start, end) of a plan's period: as the document states it (执行期 …至…, or a
    range of years in its title); a yearly plan, such as a 工作要点 whose title names its
    year, through its calendar year; any other
    plan from its issue date (or its year's start), with no end."""
    stated = STATED_PERIOD.search(text or "")
    if stated:
        start = safe_date(int(stated["y1"]), int(stated["m1"]), int(stated["d1"] or 1))
        y2, m2 = int(stated["y2"]), int(stated["m2"])
        end = safe_date(y2, m2, int(stated["d2"] or monthrange(y2, m2)[1]))
        if start and end and start <= end:
            return start, end
    years = TITLE_YEARS.search(title or "")
    if years and int(years["y1"]) <= int(years["y2"]):
        return date(int(years["y1"]), 1, 1), date(int(years["y2"]), 12, 31)
    if year is None:
        return None, None
    if YEARLY.search(title or ""):
        return date(year, 1, 1), date(year, 12, 31)
    return issued_on or date(year, 1, 1), None
