"""The fixtures are built from the source documents, exactly."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tasks.documents.seed import load_seed
from tasks.models import Indicator, Plan, ProgressReport, ReportFigure, Responsibility, Task
from units.models import Unit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROVINCIAL = "关于发挥企业主体作用 推进产业工人队伍建设改革的实施意见"
SHANHU = "新时代剡湖街道产业工人队伍建设改革实施方案"

# code, title, 牵头, 配合 — as printed in 000_144aa646618606f7.txt
LVJIAN_TASKS = [
    ("1", "强化政治引领作用", "综合处", []),
    ("2", "提升产业工人政治地位", "综合处", []),
    ("3", "拓展职工教育阵地", "综合处", []),
    ("4", "构建多元培训体系", "综合处", ["产业处"]),
    ("5", "优化技能培训平台", "综合处", ["中欧办", "绿弘公司"]),
    ("6", "完善创新激励机制", "产业处", []),
    ("7", "开展创新技能大赛", "产业处", ["中欧办"]),
    ("8", "推行民主管理制度", "综合处", []),
    ("9", "加强安全生产教育", "产业处", []),
    ("10", "关注职工身心健康", "综合处", []),
    ("11", "丰富文体活动形式", "综合处", []),
    ("12", "打造企业特色品牌", "综合处", []),
    ("13", "选树培育先进典型", "综合处", []),
    ("14", "聚焦绿色品牌建设", "综合处", []),
    ("15", "加强产改组织领导", "综合处", []),
    ("16", "坚持统筹协同", "产业处", []),
    ("17", "落实经费保障", "综合处", []),
    ("18", "加大舆论宣传", "综合处", []),
    ("19", "强化督促检查", "综合处", []),
]

LVJIAN_SECTIONS = [
    ("一", "加强思想引领，把稳产业工人奋进方向", ["1", "2", "3"]),
    ("二", "聚焦素质提升，拓宽产业工人成长空间", ["4", "5", "6", "7"]),
    ("三", "加强权益保障，促进产业工人队伍全面发展", ["8", "9", "10", "11"]),
    ("四", "树立品牌意识，打造产业工人队伍改革示范", ["12", "13", "14"]),
    ("五", "强化组织实施，汇聚产改队伍强大合力", ["15", "16", "17", "18", "19"]),
]

# unit, task code in 苏产改办〔2022〕12号, figure name, value, unit, approximate (超/余/近/多)
FIGURES = [
    ("江阴市祝塘镇", "6", "专题培训", "10", "期", True),
    ("江阴市祝塘镇", "6", "培训人数", "1000", "人次", True),
    ("江阴市祝塘镇", "6", "获职业技能等级自主认定资格企业", "7", "家", False),
    ("江阴市祝塘镇", "6", "三年来评定高级工", "350", "人", True),
    ("江阴市祝塘镇", "8", "累计组建独立工会", "256", "家", False),
    ("江阴市祝塘镇", "8", "建成职工之家", "29", "个", False),
    ("江阴市祝塘镇", "8", "职工医疗互助续保、新保数", "8000", "人", True),
    ("江阴市祝塘镇", "8", "近三年为学历提升的农民工发放奖学金", "4", "万元", True),
    ("江阴市祝塘镇", "8", "新增就业岗位", "1589", "个", False),
    ("江阴市祝塘镇", "8", "集体合同累计覆盖企业", "791", "家", False),
    ("江阴市祝塘镇", "8", "集体合同累计覆盖职工", "4", "万名", True),
    ("高邮市汤庄镇", "2", "液压机械产业园区内液压机械生产企业", "146", "家", False),
    ("徐矿集团张双楼煤矿", "7", "列为入党积极分子的优秀产业工人", "129", "名", False),
    ("徐矿集团张双楼煤矿", "7", "加入党组织的产业工人", "59", "名", False),
    ("徐矿集团张双楼煤矿", "7", "参加专科、本科阶段学历提升教育的产业工人", "85", "名", False),
    ("徐矿集团张双楼煤矿", "7", "提拔为集团中层副职领导的产业工人", "6", "名", False),
    ("徐矿集团张双楼煤矿", "7", "走上副总工程师岗位的优秀产业工人", "2", "名", False),
    ("徐矿集团张双楼煤矿", "7", "走向科（区）级管理岗位", "56", "人", False),
    ("徐矿集团张双楼煤矿", "7", "通过公开选拔进入技术管理岗位", "85", "人", False),
    ("徐矿集团张双楼煤矿", "8", "高级工技能津贴（每人每月）", "300", "元", False),
    ("徐矿集团张双楼煤矿", "8", "技师技能津贴（每人每月）", "500", "元", False),
    ("徐矿集团张双楼煤矿", "8", "高级技师技能津贴（每人每月）", "800", "元", False),
    ("徐矿集团张双楼煤矿", "8", "领军人才、特殊技能人才、关键技能人才", "44", "人", False),
    ("徐矿集团张双楼煤矿", "8", "领军人才特殊津贴（每月）", "3000", "元", False),
    ("徐矿集团张双楼煤矿", "8", "特殊技能人才特殊津贴（每月）", "2000", "元", False),
    ("徐矿集团张双楼煤矿", "8", "关键技能人才特殊津贴（每月）", "1000", "元", False),
    ("徐矿集团张双楼煤矿", "8", "优秀技能人才特殊津贴每月共计", "7", "万元", False),
    ("徐矿集团张双楼煤矿", "8", "获得技师资格的产业工人", "22", "名", False),
    ("徐矿集团张双楼煤矿", "8", "技师资格奖励（每人）", "5000", "元", False),
    ("徐矿集团张双楼煤矿", "8", "获得高级工资格的产业工人", "289", "人", False),
    ("徐矿集团张双楼煤矿", "8", "高级工资格奖励（每人）", "1000", "元", False),
    ("徐矿集团张双楼煤矿", "8", "两年来奖励总计", "40", "万元", False),
    ("南通开发区", "(一)", "产业工人", "12", "万", True),
    ("南通开发区", "(一)", "产改联席会议成员单位", "9", "个", False),
    (
        "南通开发区人社局",
        "6",
        "对新增及引进的高技能人才和高技能重点建设项目累计奖励金额",
        "265",
        "万元",
        True,
    ),
    ("南通开发区人社局", "6", "累计奖补区内企业", "90", "家", False),
    ("南通开发区人社局", "6", "新增高技能人才", "1200", "名", True),
    ("南通开发区人社局", "6", "累计组织中高级工、高级工、技师开班", "14", "个", False),
    ("南通开发区人社局", "6", "参训人员", "467", "人", False),
    ("南通开发区人社局", "6", "每万名劳动者中高技能人才数", "1609", "人", False),
    ("南通开发区宣传部", "1", "加入“百姓名嘴”宣讲队的骨干", "68", "名", False),
    ("南通开发区宣传部", "1", "举办道德讲堂", "12", "场", False),
    ("南通开发区竹行街道", "11", "产改措施", "12", "条", False),
    ("南通开发区竹行街道", "11", "常态化困难慰问职工", "130", "名", True),
    ("南通开发区竹行街道", "11", "发放特困证职工", "5", "户", False),
    ("南通开发区竹行街道", "11", "“企业家爱心妈妈助春蕾”帮助春蕾儿童", "81", "人次", False),
    ("双逸创业园", "2", "标准单体厂房", "14", "栋", False),
    ("双逸创业园", "2", "企业服务中心", "1", "栋", False),
    ("双逸创业园", "2", "企业服务中心楼层", "10", "层", False),
    ("双逸创业园", "2", "科创大厦", "1", "栋", False),
    ("双逸创业园", "2", "科创大厦楼层", "24", "层", False),
    ("双逸创业园", "2", "入驻企业", "200", "家", True),
    ("双逸创业园", "2", "职工", "2000", "人", True),
    ("中天科技集团", "5", "“知识产权银行”今年以来兑现奖励", "800", "万元", True),
    ("上药东英", "5", "员工敬业度（2013年）", "38", "分", False),
    ("上药东英", "5", "员工敬业度（现今）", "85", "分", False),
]


def document(name):
    """The document's text with line breaks removed, so a sentence split by a page break reads
    as one, and full-width spaces dropped."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return re.sub(r"[\s\u3000]+", "", text)


def squash(text):
    return re.sub(r"[\s\u3000]+", "", text)


def test_it_loads_19_15_and_14_tasks(seed):
    counts = {p.title: p.tasks.count() for p in Plan.objects.all()}
    assert counts == {
        "2023年绿建区新时代产业工人队伍建设改革工作要点及责任分工方案": 19,
        PROVINCIAL: 15,
        SHANHU: 14,
    }


def test_it_keeps_every_lvjian_task_as_issued(lvjian):
    tasks = Task.objects.filter(plan=lvjian).with_units().order_by("seq")
    got = [
        (t.code, t.title, [u.name for u in t.lead_units], [u.name for u in t.support_units])
        for t in tasks
    ]
    assert got == [(code, title, [lead], support) for code, title, lead, support in LVJIAN_TASKS]


def test_it_keeps_the_lvjian_sections(lvjian):
    got = [
        (s.code, s.title, [t.code for t in s.tasks.order_by("seq")])
        for s in lvjian.sections.order_by("seq")
    ]
    assert got == LVJIAN_SECTIONS


def test_lvjian_content_is_the_whole_item(lvjian):
    text = (FIXTURES / "000_144aa646618606f7.txt").read_text(encoding="utf-8")
    for task in lvjian.tasks.all():
        assert f"\n{task.code}、{task.content}\n" in text
        assert task.content.startswith(task.title + "。")
        assert task.content.endswith("）") and "（责任部门：" in task.content


def test_lvjian_task_5_has_the_training_target(lvjian):
    (indicator,) = Indicator.objects.filter(task__plan=lvjian)
    assert indicator.task.code == "5"
    assert (indicator.comparator, indicator.target, indicator.unit) == (">=", Decimal(2000), "人次")
    assert "年度开展培训不少于2000人次" in indicator.task.content


@pytest.mark.parametrize(
    ("title", "source", "codes"),
    [
        (
            PROVINCIAL,
            "001_2513717a2e945d90.txt",
            [str(n) for n in range(1, 12)] + ["(一)", "（二）", "（三）", "（四）"],
        ),
        (
            SHANHU,
            "003_76cc14b266f9598b.txt",
            [str(n) for n in range(1, 12)] + ["（一）", "（二）", "（三）"],
        ),
    ],
)
def test_other_plans_keep_their_items_verbatim(seed, title, source, codes):
    plan = Plan.objects.get(title=title)
    text = document(source)
    tasks = list(plan.tasks.order_by("seq"))
    assert [t.code for t in tasks] == codes
    for task in tasks:
        assert squash(task.content) in text
        assert task.title in text
        assert task.due_on is None
    # Neither document names a responsible unit: none is invented.
    assert not Responsibility.objects.filter(task__plan=plan).exists()


def test_page_breaks_inside_sentences_are_joined(seed):
    contents = "".join(Task.objects.values_list("content", flat=True))
    for joined in [
        "主题宣传教育和",
        "推行现代学徒制和新型学徒制",
        "推动厂务公开",
        "确保任务有分工",
    ]:
        assert joined in contents


def test_plan_metadata_comes_from_the_documents(seed):
    provincial = Plan.objects.get(title=PROVINCIAL)
    assert provincial.doc_number == "苏产改办〔2022〕12号"
    assert str(provincial.issued_on) == "2022-08-15"
    assert provincial.level == "province"
    assert provincial.source_text == (FIXTURES / "001_2513717a2e945d90.txt").read_text()
    shanhu = Plan.objects.get(title=SHANHU)
    assert (shanhu.year, str(shanhu.issued_on)) == (2021, "2021-07-01")
    assert shanhu.issuing_unit.name == "中共嵊州市剡湖街道工作委员会"


def test_every_figure_in_the_bulletin_and_the_feature_is_stored(seed):
    stored = {
        (f.report.unit.name, f.report.task.code, f.name): (f.value, f.unit, f.is_approximate)
        for f in ReportFigure.objects.select_related("report__unit", "report__task")
    }
    expected = {
        (unit, code, name): (Decimal(value), measure, approx)
        for unit, code, name, value, measure, approx in FIGURES
    }
    assert stored == expected


def test_every_figure_appears_in_its_source(seed):
    text = document("002_99985028e1312488.txt") + document("004_b250d9b55cc64e94.txt")
    for *_, value, _measure, _approx in FIGURES:
        number = {"1000": "千", "12": "12万", "4": "4万"}.get(value, value)
        assert number in text, value


def test_reports_evidence_provincial_measures(seed):
    reports = ProgressReport.objects.select_related("task__plan", "unit")
    assert reports.count() == 22
    assert {r.task.plan.title for r in reports} == {PROVINCIAL}
    text = document("002_99985028e1312488.txt") + document("004_b250d9b55cc64e94.txt")
    for report in reports:
        for paragraph in report.progress.split("\n"):
            assert squash(paragraph) in text
    bulletin = reports.filter(unit__name="江阴市祝塘镇")
    assert {str(r.submitted_on) for r in bulletin} == {"2024-06-24"}


def test_units_named_in_the_documents_sit_under_sensible_parents(seed):
    parent = dict(Unit.objects.values_list("name", "parent__name"))
    assert parent["综合处"] == "绿建区"
    assert parent["徐矿集团张双楼煤矿"] == "徐矿集团"
    assert parent["江阴市祝塘镇"] == "江阴市"
    assert parent["南通开发区竹行街道"] == "南通开发区"
    for name in ["中天科技集团", "安惠生物", "上药东英", "国核维科铅有限公司", "南通开发区税务局"]:
        assert parent[name] == "南通开发区"


def counts():
    models = [Unit, Plan, Task, Responsibility, Indicator, ProgressReport, ReportFigure]
    rows = {m.__name__: m.objects.count() for m in models}
    rows["task history"] = Task.history.count()
    rows["report history"] = ProgressReport.history.count()
    return rows


def test_loading_twice_changes_nothing(seed):
    before = counts()
    assert load_seed() == {}
    assert counts() == before


def test_it_repairs_a_changed_row(seed):
    task = Task.objects.get(plan__year=2023, code="6")
    task.title = "改错的标题"
    task.save()
    assert load_seed() == {"task updated": 1}
    task.refresh_from_db()
    assert task.title == "完善创新激励机制"
