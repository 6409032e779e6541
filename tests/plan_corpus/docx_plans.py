"""Word documents for the parser tests, built with python-docx so the corpus stays reviewable
as text: one plan written as a 分工表 (a table), one written in paragraphs."""

from docx import Document

TABLE_PLAN = {
    "title": "2024年金坛区产业工人队伍建设改革任务分工表",
    "intro": "为推动产改工作落地见效，现将2024年重点任务分解如下。",
    "header": ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
    "rows": [
        ["一、思想引领"],
        [
            "1",
            "开展产业工人思想政治教育。组织职工宣讲不少于40场次。",
            "区总工会",
            "区委宣传部",
            "2024年12月底",
        ],
        [
            "2",
            "推进产业工人入党。新增产业工人党员100名。",
            "区委组织部",
            "区总工会、各镇（街道）",
            "2024年11月底前",
        ],
        ["二、技能提升"],
        [
            "3",
            "开展技能竞赛。举办区级职工技能竞赛，参赛职工达到3000人次以上。",
            "区人社局",
            "区总工会",
            "9月底",
        ],
        ["4", "建设职工培训阵地。", "区教育局", "", "长期坚持"],
    ],
}

PARAGRAPH_PLAN = [
    "溧阳市产业工人队伍建设改革2024年工作要点",
    "一、提升政治地位",
    "1．提高产业工人代表比例。推动提高产业工人在各级代表大会中的比例。（责任部门：市委组织部、市总工会）",
    "2．加强思想教育。开展“中国梦·劳动美”主题宣传活动不少于10场次。（责任部门：市总工会）",
    "二、维护合法权益",
    "3．推进工资集体协商。企业工资集体协商覆盖率达到85%以上，2024年10月底前完成。（牵头部门：市人社局，配合部门：市总工会、市工商联）",
]


def table_docx(path):
    document = Document()
    document.add_paragraph(TABLE_PLAN["title"])
    document.add_paragraph(TABLE_PLAN["intro"])
    table = document.add_table(rows=0, cols=len(TABLE_PLAN["header"]))
    for values in [TABLE_PLAN["header"], *TABLE_PLAN["rows"]]:
        cells = table.add_row().cells
        if len(values) == 1:  # a section heading across the whole row
            merged = cells[0].merge(cells[-1])
            merged.text = values[0]
        else:
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    document.save(path)


def paragraph_docx(path):
    document = Document()
    for line in PARAGRAPH_PLAN:
        document.add_paragraph(line)
    document.save(path)


# A 分工表 as cities issue them: a 板块 column, a 具体举措 column holding the measures (and
# their targets), a task whose measures take two rows (its 序号, 重点任务 and 牵头单位 merged
# down), and a 完成时限 merged down from one task to the next.
MEASURES_HEADER = ["序号", "板块", "重点任务", "具体举措", "牵头单位", "配合单位", "完成时限"]
MEASURES_ROWS = [
    [
        "1",
        "思想引领",
        "深化理想信念教育",
        "组织劳模工匠宣讲不少于50场次。",
        "市总工会",
        "市委宣传部",
        "2024年12月底前",
    ],
    ["", "", "", "建设理想信念教育基地5个。", "", "市教育局", "2024年12月底前"],
    [
        "2",
        "",
        "加强产业工人党建",
        "新增产业工人党员300名。",
        "市委组织部",
        "市总工会",
        "2024年11月底前",
    ],
    [
        "3",
        "技能提升",
        "实施技能提升行动",
        "开展职业技能培训不少于2万人次；高技能人才占比提高2个百分点。",
        "市人社局",
        "市总工会、市财政局",
        "",
    ],
    [
        "4",
        "",
        "办好职工技能大赛",
        "举办市级职工职业技能大赛，决赛工种达到20个以上。",
        "市总工会",
        "市人社局",
        "长期坚持",
    ],
]
# (first row, last row, column) of each vertical merge, rows counted after the header
MEASURES_MERGES = [(0, 1, 0), (0, 2, 1), (0, 1, 2), (0, 1, 4), (2, 3, 6), (3, 4, 1)]


def grid_docx(path, title, header, rows, merges=()):
    """A title, then a table of a header and rows, with cells merged down by `merges`."""
    document = Document()
    document.add_paragraph(title)
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    for first, last, column in merges:
        table.cell(first + 1, column).merge(table.cell(last + 1, column))
    document.save(path)


def measures_docx(path):
    title = "2024年某市产业工人队伍建设改革重点任务分工"
    grid_docx(path, title, MEASURES_HEADER, MEASURES_ROWS, MEASURES_MERGES)


# A 分工表 with columns a plan has no field for: 责任领导 (a person, not a unit) and 备注; a
# row whose task cell is left empty rather than merged; a 说明 row before the first task.
PEOPLE_HEADER = ["序号", "工作任务", "牵头单位", "责任领导", "完成时限", "备注"]
PEOPLE_ROWS = [
    ["", "", "", "", "", "说明：按季度报送进展"],
    ["1", "开展技能竞赛", "区总工会", "王副区长", "2024年10月底前", "纳入年度考核"],
    ["", "", "区人社局", "", "", "承办决赛"],
    ["2", "建设职工书屋", "区文旅局", "李副区长", "2024年12月底前", ""],
]


def people_docx(path):
    grid_docx(path, "2024年某区产业工人队伍建设改革任务分工", PEOPLE_HEADER, PEOPLE_ROWS)
