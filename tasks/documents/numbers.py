"""Chinese numerals as plans write them: 二十, 一百五十, 两千, 三万."""

from decimal import Decimal

DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> Decimal | None:
    """The value of a Chinese numeral below 一亿, or None if `text` is not one."""
    if not text or any(ch not in DIGITS and ch not in SMALL and ch != "万" for ch in text):
        return None
    if text.count("万") > 1:
        return None
    head, wan, tail = text.rpartition("万") if "万" in text else ("", "", text)
    high = section_value(head) if head else (1 if wan else 0)
    low = section_value(tail) if tail else 0
    if high is None or low is None:
        return None
    total = high * 10000 + low
    return Decimal(total) if total else None


def section_value(part):
    """A numeral below 一万: 三千零五 → 3005, 十二 → 12."""
    total, digit = 0, None
    for ch in part:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] and digit:
                return None  # two digits in a row: not a numeral
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * SMALL[ch]
            digit = None
    return total + (digit or 0)
