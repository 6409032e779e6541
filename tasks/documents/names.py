"""Who answers for a task: the unit names a field gives, and which of them leads."""

import re

NAME_SPLIT = re.compile(r"[、，,；;\s]+")
SEPARATORS, OPENING, CLOSING = "、，,；;", "（(", "）)"
SHORTEST_NAME = 3  # a piece shorter than this is part of a name broken by a space or line
LEAD_MARK = re.compile(r"[（(]牵头[）)]$")
# "列第一位的为牵头单位（下同）": a note on how the document names lead units, not a unit.
LEAD_NOTE = re.compile(r"[（(]?(?:排)?列(?:在)?第一位的?(?:单位)?为牵头单位[，,]?(?:下同)?[）)]?")


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
