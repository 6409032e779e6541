"""How 14-pdf-text-layer.pdf was made: the plan below, one line a row of a sheet with a
running header (…办公室文件) and page numbers (— 1 —) in the footer, printed to PDF by
LibreOffice, which breaks each line where the page runs out:

    python tests/plan_corpus/make_pdf.py /tmp/plan.xlsx
    soffice --headless --convert-to pdf --outdir /tmp /tmp/plan.xlsx

The PDF is kept in the corpus as printed, so that the tests read a real text layer.
"""

import sys

import xlsxwriter

HEADER = "某市产业工人队伍建设改革协调小组办公室文件"
LINES = [
    "某市产改办〔2024〕5号",
    "关于印发《某市2024年产业工人队伍建设改革工作要点》的通知",
    "各县（市、区）产改办，市产改协调小组各成员单位：",
    "现将《某市2024年产业工人队伍建设改革工作要点》印发给你们，请结合实际认真贯彻落实。",
    "某市2024年产业工人队伍建设改革工作要点",
    "一、强化思想政治引领",
    "1.深化理想信念教育。组织劳模工匠宣讲团深入企业、园区开展宣讲，全年宣讲不少于60场次，"
    "覆盖职工2万人次以上。（责任单位：市委宣传部、市总工会）",
    "2.加强产业工人党建工作。推动规上企业党组织全覆盖，新增产业工人党员500名。"
    "（责任单位：市委组织部、市总工会）",
    "二、提升技能素质",
    "3.实施技能提升行动。全年开展职业技能培训不少于3万人次，高技能人才占比提高2个百分点。"
    "（责任单位：市人力资源和社会保障局、市总工会、市教育局）",
    "4.办好职工技能大赛。举办市级职工职业技能大赛，决赛工种达到20个以上，2024年10月底前完成。"
    "（责任单位：市总工会、市人力资源和社会保障局）",
    "三、维护合法权益",
    "5.深化集体协商。百人以上企业集体合同签订率达到90%以上。"
    "（责任单位：市人力资源和社会保障局、市总工会、市工商联）",
    "6.建设职工服务阵地。新建“职工驿站”“户外劳动者服务站”15个，年底前建成投用。"
    "（责任单位：市总工会，各县（市、区）总工会）",
    "7.加强劳动法律监督。开展劳动法律监督检查不少于100家次。（责任单位：市总工会、市司法局）",
    "8.推进厂务公开。指导企业建立健全厂务公开制度，覆盖率不低于85%。"
    "（责任单位：市总工会、市国资委）",
    "某市产业工人队伍建设改革协调小组办公室",
    "2024年3月1日",
]


def write(path):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("plan")
    text = book.add_format(
        {"text_wrap": True, "valign": "top", "font_size": 16, "font_name": "Noto Serif CJK SC"}
    )
    sheet.set_column(0, 0, 70)
    sheet.set_paper(9)  # A4
    sheet.set_header(f"&C{HEADER}")
    sheet.set_footer("&C— &P —")
    for row, line in enumerate(LINES):
        sheet.write_string(row, 0, line, text)
        sheet.set_row(row, 24 * (len(line) // 30 + 1))
    book.close()


if __name__ == "__main__":
    write(sys.argv[1])
