"""The ranking as a workbook: 排名 (a row per unit, a column per item) and 明细 (each item's
points and how they were worked out, then every event behind them), as the page shows them."""

from reform import xlsx
from reform.xlsx import Column
from tasks.scoring.score import TIE_RULE

DETAIL_COLUMNS = [
    Column("名次", center=True, repeat=True),
    Column("单位", wrap=True, max_width=20, repeat=True),
    Column("评分项", wrap=True, max_width=10),
    Column("得分", center=True, cents=True),
    Column("日期"),
    Column("计算与事项", wrap=True, max_width=46),
    Column("链接", wrap=True, max_width=40),
]


def title_rows(ranking, title):
    scope, rules = ranking.scope, ranking.rules
    stated = f"截至{scope.as_of:%Y-%m-%d} · 评分规则：{rules or '未设定'}"
    return [title, stated, str(TIE_RULE)]


def write_scores(ranking, *, title, output, base_url=""):
    """Writes the ranking's two sheets to `output`; links are `base_url` + each page's path."""
    book = xlsx.Book(output)
    labels = [str(item.label) for item in ranking.items]
    columns = [
        Column("名次", center=True, repeat=True),
        Column("单位", wrap=True, max_width=20, repeat=True),
        Column("总分", center=True, cents=True),
        *(Column(label, center=True, cents=True) for label in labels),
    ]
    rows = [
        [s.rank, s.unit.name, s.total, *(item.points for item in s.items)] for s in ranking.units
    ]
    heads = title_rows(ranking, title)
    xlsx.write_sheet(book, book.add_sheet("排名"), (columns, rows), title_rows=heads)
    details = []
    for s in ranking.units:
        for item in s.items:
            label = str(item.label)
            details.append([s.rank, s.unit.name, label, item.points, "", item.basis, ""])
            details.extend(
                [s.rank, s.unit.name, label, "", e.date, e.text, base_url + e.url]
                for e in item.events
            )
    xlsx.write_sheet(book, book.add_sheet("明细"), (DETAIL_COLUMNS, details), title_rows=heads)
    book.close()
