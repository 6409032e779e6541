"""The plan parser: the seed plans, a corpus of other plans, and text it has never seen."""

import io
import json
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.documents.create import match_units
from tasks.documents.files import document_text
from tasks.documents.parser import parse_plan
from tasks.documents.plan import ParseError
from tasks.models import Plan, Task
from tests.conftest import make_unit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = Path(__file__).resolve().parent / "plan_corpus"
sys.path.insert(0, str(CORPUS))
from docx_plans import measures_docx, paragraph_docx, people_docx, table_docx  # noqa: E402

SEED_PLANS = ["plan-lvjian-2023.json", "plan-jiangsu-2022-12.json", "plan-shanhu-2021.json"]


@pytest.mark.parametrize("fixture", SEED_PLANS)
def test_the_seed_plans_parse_to_exactly_the_fixtures(fixture):
    expected = json.loads((FIXTURES / fixture).read_text())
    parsed = parse_plan((FIXTURES / expected["source_file"]).read_text())
    got = parsed.as_json()
    assert (got["title"], got["year"]) == (expected["title"], expected["year"])
    assert got["sections"] == expected["sections"]
    assert parsed.doc_number == expected["doc_number"]
    assert (parsed.issued_on.isoformat() if parsed.issued_on else None) == expected["issued_on"]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_the_corpus_parses_to_its_expected_json(path):
    expected = json.loads(path.with_suffix(".json").read_text())
    assert parse_plan(path.read_text()).as_json() == expected


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (table_docx, "08-table"),
        (paragraph_docx, "09-paragraphs"),
        (measures_docx, "13-table-measures"),
    ],
)
def test_word_documents_parse_to_their_expected_json(tmp_path, build, name):
    path = tmp_path / f"{name}.docx"
    build(path)
    expected = json.loads((CORPUS / f"{name}.json").read_text())
    assert parse_plan(document_text(path.name, path.read_bytes())).as_json() == expected


def test_the_corpus_covers_every_form():
    plans = {p.stem: parse_plan(p.read_text()).as_json() for p in CORPUS.glob("*.txt")}
    tasks = {k: [t for s in v["sections"] for t in s["tasks"]] for k, v in plans.items()}
    codes = {t["code"][0] for ts in tasks.values() for t in ts}
    assert {"1", "（", "①"} <= codes  # 1、/1./1． items, （1）/（一） items, circled items
    comparators = {i["comparator"] for ts in tasks.values() for t in ts for i in t["indicators"]}
    assert comparators == {">=", "<="}
    units = {i["unit"] for ts in tasks.values() for t in ts for i in t["indicators"]}
    assert {"人次", "人", "名", "家", "个", "场次", "条", "%"} <= units
    assert any(t["due"] for ts in tasks.values() for t in ts)


def test_numbers_that_are_names_or_history_are_not_targets():
    plan = parse_plan((CORPUS / "07-chinese-numerals-and-history.txt").read_text()).as_json()
    names = [i["name"] for s in plan["sections"] for t in s["tasks"] for i in t["indicators"]]
    values = [i["value"] for s in plan["sections"] for t in s["tasks"] for i in t["indicators"]]
    assert 120 not in values and 2023 not in values and 20 not in values and 8 not in values
    assert "选树劳模" in names


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("1、任务甲。完成时限：2024年12月底", "2024-12-31"),
        ("1、任务甲。时间节点：3月底、6月底、9月底", "2024-09-30"),
        ("1、任务甲。时限要求：长期坚持", None),
        ("1、任务甲。时限要求：每季度", None),
        ("1、任务甲。时限要求：2024年6月30日", "2024-06-30"),
        ("1、任务甲。时限要求：上半年", "2024-06-30"),
        ("1、任务甲，2024年11月底前完成。", "2024-11-30"),
        ("1、任务甲。2020年以来已完成培训。", None),
    ],
)
def test_deadlines(text, due):
    plan = parse_plan("2024年某工作要点\n一、第一部分\n" + text)
    assert plan.as_json()["sections"][0]["tasks"][0]["due"] == due


@pytest.mark.parametrize(
    ("fields", "lead", "support"),
    [
        ("（责任部门：甲、乙、丙）", ["甲"], ["乙", "丙"]),
        ("（牵头单位：甲；责任单位：乙、丙）", ["甲"], ["乙", "丙"]),
        ("（牵头部门：甲，配合部门：乙，丙）", ["甲"], ["乙", "丙"]),
        ("(牵头单位:甲；配合单位：乙)", ["甲"], ["乙"]),
        ("\n责任单位：甲；乙", ["甲"], ["乙"]),
        ("\n牵头单位：甲\n配合单位：乙、丙", ["甲"], ["乙", "丙"]),
        ("", [], []),
    ],
)
def test_departments(fields, lead, support):
    plan = parse_plan(f"某工作要点\n一、第一部分\n1、任务甲。内容。{fields}")
    task = plan.as_json()["sections"][0]["tasks"][0]
    assert (task["lead"], task["support"]) == (lead, support)


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "这是一段没有任何编号条目的说明文字。", "一、总体要求\n坚持党的领导。"],
)
def test_text_without_items_gets_a_clear_message(text):
    with pytest.raises(ParseError, match="没有"):
        parse_plan(text)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("一二三四、。（）()1234567890.．：:责任部门牵头单位配合不少于人次%年月底\n 的工作")
        )
        | st.characters(),
        max_size=400,
    )
)
def test_arbitrary_text_never_crashes_the_parser(text):
    try:
        plan = parse_plan(text)
    except ParseError as exc:
        assert str(exc)
        return
    json.dumps(plan.as_json(), ensure_ascii=False)
    assert all(t.title is not None for t in plan.tasks)


def test_unreadable_documents_get_a_message():
    with pytest.raises(ParseError, match="Word"):
        document_text("plan.docx", b"not a zip")
    with pytest.raises(ParseError, match="无法读取该PDF文件"):
        document_text("plan.pdf", b"%PDF")
    with pytest.raises(ParseError, match=r"\.txt、\.docx或\.pdf"):
        document_text("plan.doc", b"\xd0\xcf\x11\xe0")
    assert "工作要点" in document_text("plan.txt", "工作要点".encode("gb18030"))


def test_units_match_by_name_ignoring_spaces_and_width(db):
    unit = make_unit(name="市人社局")
    found, new = match_units(["市人社局", "市 人社局", "ＡＢ公司", "新单位"])
    make_unit(name="AB公司")
    assert found["市人社局"] == unit and found["市 人社局"] == unit
    assert new == ["ＡＢ公司", "新单位"]
    found, new = match_units(["ＡＢ公司"])
    assert found["ＡＢ公司"].name == "AB公司" and new == []


def test_import_plan_prints_json_and_creates_the_plan(db, tmp_path):
    path = CORPUS / "01-city-lead-and-responsible.txt"
    out = StringIO()
    call_command("import_plan", path, "--json", "--dry-run", stdout=out)
    assert json.loads(out.getvalue()) == json.loads(path.with_suffix(".json").read_text())
    assert not Plan.objects.filter(title__contains="常州市").exists()
    out = StringIO()
    with pytest.raises(CommandError, match="No office named"):
        call_command("import_plan", path, "--office", "无此产改办", stdout=out)
    call_command("import_plan", path, "--level", "city", "--office", "江苏省产改办", stdout=out)
    plan = Plan.objects.get(title="2024年常州市产业工人队伍建设改革重点任务")
    assert (plan.year, plan.level, plan.doc_number) == (2024, "city", "常工〔2024〕3号")
    assert plan.office.short_name == "江苏省产改办"
    task3 = Task.objects.with_units().get(plan=plan, code="3")
    assert [u.name for u in task3.lead_units] == ["市人社局"]
    assert str(task3.due_on) == "2024-12-31"
    assert [(i.name, i.target) for i in task3.indicators.all()] == [
        ("开展职业技能培训", 2),
        ("新增高技能人才", 2000),
    ]
    assert plan.source_text == path.read_text()
    with pytest.raises(CommandError, match="已有同名同年度的方案"):
        call_command("import_plan", path, stdout=StringIO())
    with pytest.raises(CommandError, match="没有找到任何任务条目"):
        empty = tmp_path / "empty.txt"
        empty.write_text("通知\n请各单位认真学习。")
        call_command("import_plan", empty, stdout=StringIO())


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("年度开展培训不少于2000人次", ("年度开展培训", ">=", 2000, "人次")),
        ("至少举办讲座5场次", ("举办讲座", ">=", 5, "场次")),  # 至少 before the verb
        ("专项经费投入不低于50万元", ("专项经费投入", ">=", 50, "万元")),
        ("技能人才占比超过30%", ("技能人才占比", ">=", 30, "%")),
        ("培训覆盖率达到九十%", ("培训覆盖率", ">=", 90, "%")),
        ("培育示范企业10家以上", ("培育示范企业", ">=", 10, "家")),
        ("事故起数不超过2起", ("事故起数", "<=", 2, "起")),
        ("办结时间控制在7天以内", ("办结时间", "<=", 7, "天")),
        ("新增高级工30名、技师8名", ("新增高级工", ">=", 30, "名")),
        ("征集建议不少于二十条", ("征集建议", ">=", 20, "条")),
        ("建成职工之家１２个", ("建成职工之家", ">=", 12, "个")),
    ],
)
def test_targets(sentence, target):
    plan = parse_plan(f"某工作要点\n一、第一部分\n1、任务甲。{sentence}。")
    first = plan.as_json()["sections"][0]["tasks"][0]["indicators"][0]
    assert (first["name"], first["comparator"], first["value"], first["unit"]) == target


@pytest.mark.parametrize(
    "sentence",
    [
        "深入学习党的二十大精神",
        "开展“五小”竞赛",
        "2023年以来",
        "落实苏产改办〔2022〕12号文件",
        "按投资额的30%比例抵免",
        "近三年累计培训5000人次",
        "打造一批示范点",
    ],
)
def test_numbers_that_are_not_targets(sentence):
    plan = parse_plan(f"某工作要点\n一、第一部分\n1、任务甲。{sentence}。")
    assert plan.as_json()["sections"][0]["tasks"][0]["indicators"] == []


def rewritten(path, member, change):
    """The .docx at `path` with one member's bytes changed, as a crafted file would be."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            data = source.read(item.filename)
            dest.writestr(item, change(data) if item.filename == member else data)
    return out.getvalue()


def test_comments_and_processing_instructions_in_a_word_file_are_skipped(tmp_path):
    """They answered 500 (the reader took every node for an element)."""
    path = tmp_path / "plan.docx"
    paragraph_docx(path)

    def add_nodes(xml):
        xml = xml.replace(b"<w:body>", b"<w:body><!-- note --><?mso-app x?>", 1)
        return xml.replace(b"</w:p>", b"<!-- in a paragraph --></w:p>", 1)

    text = document_text("plan.docx", rewritten(path, "word/document.xml", add_nodes))
    assert text.splitlines()[0] == "溧阳市产业工人队伍建设改革2024年工作要点"
    assert parse_plan(text).tasks


def test_a_word_file_that_inflates_past_the_limits_is_refused(tmp_path):
    """A 1.5 MB .docx inflated to 1.5 GB and took a worker to 3 GB for 23 s."""
    path = tmp_path / "plan.docx"
    paragraph_docx(path)
    padding = b" " * (60 * 1024 * 1024)
    bomb = rewritten(
        path, "word/document.xml", lambda xml: xml.replace(b"<w:body>", b"<w:body>" + padding)
    )
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ParseError, match="解压后过大"):
        document_text("plan.docx", bomb)


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0, max_value=10**5), byte=st.integers(0, 255))
def test_a_corrupted_word_file_gets_a_message_or_its_text(tmp_path_factory, position, byte):
    """A fuzz of the plan import's Word reader: any byte of a real .docx changed."""
    path = tmp_path_factory.mktemp("docx") / "plan.docx"
    paragraph_docx(path)
    data = bytearray(path.read_bytes())
    data[position % len(data)] = byte
    try:
        text = document_text("plan.docx", bytes(data))
    except ParseError:
        return
    assert isinstance(text, str)


# Plan documents as they are really issued


def corpus_plan(name):
    return parse_plan((CORPUS / f"{name}.txt").read_text())


def test_the_tasks_are_the_level_that_carries_the_responsible_units():
    """A notice numbered 一、/（一）/1.: the （一） items carry the units, so they are the
    tasks, under the 一、 sections; their 1. 2. items are measures in their content."""
    plan = corpus_plan("10-notice-nested-measures")
    assert [(s.code, [t.code for t in s.tasks]) for s in plan.sections] == [
        ("一", ["（一）", "（二）"]),
        ("二", ["（三）", "（四）"]),
    ]
    second = plan.tasks[1]
    assert second.content.splitlines()[1:3] == [
        "1.推动在规上企业建立党组织，覆盖率达到85%以上。",
        "2.新增产业工人党员500名。",
    ]
    assert (second.lead, second.support) == (["市委组织部"], ["市总工会"])
    assert plan.tasks[0].title == "深化理想信念教育"  # a task without measures stays a task
    assert plan.title == "某市推进产业工人队伍建设改革2024年重点工作"


def test_nothing_is_dropped_without_a_word():
    plan = corpus_plan("10-notice-nested-measures")
    assert plan.unused == [
        "三、保障措施",
        "各地各部门要加强组织领导，将产改工作纳入重要议事日程。",
        "分享到：微信 微博",
    ]
    assert corpus_plan("05-no-arabic-numbers").unused == [
        "某某街道党工委2023年4月10日",
        "抄报：区产改办",
    ]


@pytest.mark.parametrize(
    ("code", "lead", "support"),
    [
        ("1", ["县委宣传部"], ["县总工会"]),  # 列第一位的为牵头单位
        ("3", ["县人社局"], ["县总工会", "县教育局"]),  # 牵头单位：…；责任单位：…
        ("4", ["县人力资源和社会保障局"], ["县总工会"]),  # a name broken by the line
        ("5", ["县司法局"], ["县总工会", "各乡镇（街道）"]),  # （牵头）, brackets kept
        ("6", ["县人社局"], ["县工商联"]),  # a stray space inside a name
    ],
)
def test_units_as_documents_name_them(code, lead, support):
    task = next(t for t in corpus_plan("11-unit-names").tasks if t.code == code)
    assert (task.lead, task.support) == (lead, support)


def test_a_deadline_that_is_no_date_is_kept_in_words():
    tasks = {t.code: t for t in corpus_plan("12-deadlines-and-rises").tasks}
    assert [(tasks[c].due, tasks[c].due_text) for c in "1235"] == [
        (None, "长期坚持"),
        (None, "持续推进"),
        (None, "每季度"),
        (None, "2024年起长期坚持"),
    ]
    assert tasks["4"].due.isoformat() == "2024-11-30" and tasks["4"].due_text == ""


def test_rises_and_counts_after_quoted_names_are_targets_with_their_sentence():
    rises = corpus_plan("12-deadlines-and-rises").tasks[-1].indicators
    assert [(i.name, i.value, i.unit) for i in rises] == [
        ("高技能人才占比提高", 2, "个百分点"),
        ("职工收入增长", 5, "%"),
    ]
    assert rises[0].sentence == "高技能人才占比提高2个百分点，职工收入增长5%。"
    quoted = corpus_plan("10-notice-nested-measures").tasks[-1].indicators
    assert [(i.name, i.value, i.unit) for i in quoted] == [
        ("新建“职工驿站”“户外劳动者服务站”", 15, "个")
    ]


def test_a_table_reads_every_column_and_its_merged_cells(tmp_path):
    path = tmp_path / "measures.docx"
    measures_docx(path)
    plan = parse_plan(document_text(path.name, path.read_bytes()))
    assert [(s.code, s.title) for s in plan.sections] == [("一", "思想引领"), ("二", "技能提升")]
    first, _second, third, fourth = plan.tasks
    # 具体举措 over two rows: both measures, with their targets, in one task
    assert first.content.splitlines()[1:] == [
        "组织劳模工匠宣讲不少于50场次。",
        "建设理想信念教育基地5个。",
    ]
    assert [i.value for i in first.indicators] == [50, 5]
    assert (first.lead, first.support) == (["市总工会"], ["市委宣传部", "市教育局"])
    assert third.due.isoformat() == "2024-11-30"  # 完成时限 merged down from the task above
    assert (fourth.due, fourth.due_text) == (None, "长期坚持")


def test_a_table_keeps_the_columns_a_plan_has_no_field_for_and_rows_left_empty(tmp_path):
    path = tmp_path / "people.docx"
    people_docx(path)
    first, second = parse_plan(document_text(path.name, path.read_bytes())).tasks
    # 责任领导 names a person: kept in the content, never taken for a unit
    assert (first.lead, first.support) == (["区总工会", "区人社局"], [])
    assert first.content.splitlines() == [
        "开展技能竞赛",
        "责任领导：王副区长。",
        "备注：纳入年度考核。",
        "备注：承办决赛。",  # the row below, its task cell left empty
    ]
    assert first.due.isoformat() == "2024-10-31"
    assert (second.lead, second.content) == (["区文旅局"], "建设职工书屋\n责任领导：李副区长。")


def test_a_table_row_with_fewer_cells_than_its_header_is_read(tmp_path):
    path = tmp_path / "short.docx"
    people_docx(path)
    document = Document(path)
    # Rows as a hand-edited table leaves them: one cell alone, and 序号 and task alone
    for row, kept in [(-2, 1), (-1, 2)]:
        tr = document.tables[0].rows[row]._tr
        for cell in tr.findall(qn("w:tc"))[kept:]:
            tr.remove(cell)
    document.save(path)
    tasks = parse_plan(document_text(path.name, path.read_bytes())).tasks
    assert [(t.code, t.title, t.lead) for t in tasks] == [
        ("1", "开展技能竞赛", ["区总工会"]),
        ("2", "建设职工书屋", []),
    ]


def test_a_pdf_with_a_text_layer_is_read_without_its_running_header_and_page_numbers():
    path = CORPUS / "14-pdf-text-layer.pdf"
    text = document_text(path.name, path.read_bytes())
    assert "协调小组办公室文件" not in text and "— 1 —" not in text
    expected = json.loads(path.with_suffix(".json").read_text())
    plan = parse_plan(text)
    assert plan.as_json() == expected
    assert len(plan.tasks) == 8
    assert plan.tasks[2].lead == ["市人力资源和社会保障局"]  # broken over two lines
    assert plan.tasks[5].support == ["各县（市、区）总工会"]


def test_a_pdf_without_text_says_it_looks_scanned():
    from tests.conftest import pdf_bytes

    with pytest.raises(ParseError, match="没有可读取的文字（可能是扫描件）"):
        document_text("scan.pdf", pdf_bytes())
    with pytest.raises(ParseError, match="无法读取该PDF文件"):
        document_text("broken.pdf", b"%PDF-1.4 not really")


def test_an_encrypted_pdf_asks_for_one_without_a_password():
    from pypdf import PdfReader, PdfWriter

    path = CORPUS / "14-pdf-text-layer.pdf"
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ParseError, match="设置了密码"):
        document_text("locked.pdf", out.getvalue())


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("职工满意度稳定在90%。", [("职工满意度", "=", 90, "%")]),
        ("集体合同签订率保持在95%以上。", [("集体合同签订率", ">=", 95, "%")]),
        (
            "全年培训1.5万人次，投入资金不少于2亿元。",
            [("培训", ">=", 1.5, "万人次"), ("投入资金", ">=", 2, "亿元")],
        ),
        ("职工收入增长8%。", [("职工收入增长", ">=", 8, "%")]),
        ("劳动争议案件控制在30件以内。", [("劳动争议案件", "<=", 30, "件")]),
    ],
)
def test_targets_as_plans_state_them(text, found):
    from tasks.documents.targets import find_targets

    assert [(i.name, i.comparator, i.value, i.unit) for i in find_targets(text)] == found


def test_a_name_broken_between_two_long_pieces_is_repaired_against_known_names():
    text = (
        "某工作要点\n一、第一部分\n1、任务甲。内容。（责任单位：市人力资源 和社会保障局、市总工会）"
    )
    broken = parse_plan(text).tasks[0]
    assert (broken.lead, broken.support) == (["市人力资源"], ["和社会保障局", "市总工会"])
    repaired = parse_plan(text, known={"市人力资源和社会保障局"}).tasks[0]
    assert (repaired.lead, repaired.support) == (["市人力资源和社会保障局"], ["市总工会"])
    twice = text + "\n2、任务乙。内容。（责任单位：市人力资源和社会保障局）"
    assert parse_plan(twice).tasks[0].lead == ["市人力资源和社会保障局"]  # named whole there


def test_a_three_year_plan_with_guarantees_that_are_no_tasks():
    plan = corpus_plan("15-three-year-action")
    assert plan.title == "某某区深化产业工人队伍建设改革三年行动方案（2024—2026年）"
    assert (plan.year, plan.starts_on.isoformat(), plan.ends_on.isoformat()) == (
        2024,
        "2024-01-01",
        "2026-12-31",
    )
    assert [t.code for t in plan.tasks] == ["1", "2", "3", "4"]  # 保障措施 carry no units
    assert "（一）加强组织领导。各地各部门要将产改工作纳入重要议事日程。" in plan.unused
    assert plan.tasks[2].due.isoformat() == "2026-12-31"  # 2026年底


def test_fields_written_into_the_sentence_keep_their_brackets():
    tasks = corpus_plan("16-inline-fields").tasks
    assert (tasks[0].lead, tasks[0].support) == (["市总工会"], ["市委宣传部", "市文明办"])
    assert [(i.name, i.value, i.unit) for i in tasks[2].indicators][:2] == [
        ("新增技能人才", 3, "万人"),
        ("高技能人才", 1, "万人"),  # 其中…: a part of the quantity planned
    ]
