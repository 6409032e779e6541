"""考核: every unit's score under the office's rules, each point with the event behind it."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tasks.meetings.record import meeting_record
from tasks.models import (
    Instruction,
    ProgressReport,
    ScoreAdjustment,
    ScorePublication,
    ScoreRules,
    Task,
)
from tasks.scoring.events import Event, plan_scope, year_scope
from tasks.scoring.rules import ITEMS, RuleItem
from tasks.scoring.score import item_score, score_units
from tasks.services import report_return
from tests.conftest import home_office, make_plan, make_task, make_unit, make_user

ALL_ITEMS = [
    {"item": "on_time", "points": "30", "roles": "all"},
    {"item": "completion", "points": "40", "roles": "lead"},
    {"item": "instructions", "points": "10"},
    {"item": "red_light", "points": "2", "roles": "lead", "cap": "10"},
    {"item": "returned", "points": "1", "cap": "5"},
    {"item": "adjustment", "cap": "5"},
]


def rules(items=ALL_ITEMS, *, plan=None, version=1, effective_from=date(2024, 1, 1)):
    return ScoreRules.objects.create(
        office=home_office(), plan=plan, version=version, effective_from=effective_from, items=items
    )


def sent(task, unit, period, sent_on, state=ProgressReport.State.ACCEPTED, **fields):
    return ProgressReport.objects.create(
        task=task,
        unit=unit,
        period=period,
        progress="按计划推进。",
        state=state,
        submitted_on=sent_on,
        **fields,
    )


def scored(plan, as_of):
    ranking = score_units(plan_scope(plan, as_of))
    return {s.unit.name: s for s in ranking.units}


def item(score, name):
    return next(i for i in score.items if i.item == name)


@pytest.fixture
def units(db):
    return make_unit(name="人社局"), make_unit(name="总工会")


@pytest.fixture
def plan(units):
    """A 2024 plan (quarterly, due the 5th of the month after), led by 人社局 with 总工会."""
    plan = make_plan(title="2024年工作要点", year=2024, ends_on=date(2024, 12, 31))
    make_task(plan, lead=[units[0]], support=[units[1]], due_on=date(2024, 6, 30))
    return plan


# The rules at their edges


def test_it_gives_full_marks_where_nothing_is_owed_yet(plan):
    rules()
    scores = scored(plan, date(2024, 3, 1))  # the first report is due 2024-04-05
    on_time = item(scores["人社局"], "on_time")
    assert on_time.points == Decimal("30.00") and on_time.events == []
    assert on_time.basis == "无应计事项，按满分计"
    assert scores["人社局"].total == Decimal("80.00")  # 30 + 40 + 10 + 0 + 0 + 0


def test_every_report_late_earns_nothing_and_each_links_to_its_report(plan, units):
    rules()
    task = plan.tasks.get()
    late = [
        sent(task, units[0], date(2024, 1, 1), date(2024, 4, 20)),
        sent(task, units[0], date(2024, 4, 1), date(2024, 7, 30)),
    ]
    on_time = item(scored(plan, date(2024, 8, 1))["人社局"], "on_time")
    assert on_time.points == Decimal("0.00") and on_time.basis == "0 ÷ 2 × 30分"
    assert [e.kind for e in on_time.events] == ["late", "late"]
    assert [e.url for e in on_time.events] == [
        f"/tasks/{task.pk}/#report-{report.pk}" for report in late
    ]
    assert "2024年第1季度" in on_time.events[0].text and "逾期报送" in on_time.events[0].text


def test_a_report_missing_costs_its_share_and_links_to_the_task(plan, units):
    rules()
    task = plan.tasks.get()
    sent(task, units[0], date(2024, 1, 1), date(2024, 4, 3))
    on_time = item(scored(plan, date(2024, 8, 1))["人社局"], "on_time")
    assert on_time.points == Decimal("15.00")
    assert [(e.kind, e.date) for e in on_time.events] == [
        ("on_time", date(2024, 4, 3)),
        ("missing", date(2024, 7, 5)),
    ]
    assert on_time.events[1].url == f"/tasks/{task.pk}/"


def test_nothing_after_the_as_of_date_counts(plan, units):
    rules()
    task = plan.tasks.get()
    sent(task, units[0], date(2024, 1, 1), date(2024, 4, 3))
    before = item(scored(plan, date(2024, 4, 2))["人社局"], "on_time")
    assert before.events == []  # due 2024-04-05: not yet owed on 2024-04-02


def test_a_unit_that_only_supports_is_scored_on_what_it_answers_for(plan, units):
    rules()
    task = plan.tasks.get()
    Task.objects.filter(pk=task.pk).update(light="green")
    meeting_record(office=plan.office, title="督查会", held_on=date(2024, 7, 10), plans=[plan])
    Task.objects.filter(pk=task.pk).update(light="red")
    meeting_record(office=plan.office, title="督查会二", held_on=date(2024, 8, 10), plans=[plan])
    scores = scored(plan, date(2024, 9, 1))
    support = scores["总工会"]
    # 完成 and 红灯 count the tasks a unit leads; 按时报送 every task it answers for.
    assert item(support, "completion").points == Decimal("40.00")
    assert item(support, "completion").events == []
    assert item(support, "red_light").points == Decimal("0.00")
    assert len(item(support, "on_time").events) == 2
    lead = scores["人社局"]
    assert item(lead, "completion").points == Decimal("0.00")
    assert [e.kind for e in item(lead, "completion").events] == ["not_done"]
    assert [e.text for e in item(lead, "red_light").events] == ["督查会二：任务1“任务1”红灯"]


def test_red_lights_are_counted_per_meeting_and_capped(plan, units):
    rules()
    task = plan.tasks.get()
    Task.objects.filter(pk=task.pk).update(light="red")
    for month in range(2, 9):
        held_on = date(2024, month, 1)
        meeting_record(office=plan.office, title=f"{month}月督查会", held_on=held_on, plans=[plan])
    red = item(scored(plan, date(2024, 12, 1))["人社局"], "red_light")
    assert len(red.events) == 7 and red.points == Decimal("-10.00")
    assert red.basis == "7次，每次扣2分，以10分为限"
    assert red.events[0].url.startswith("/meetings/")


def test_each_return_of_a_report_counts(plan, units, office):
    rules()
    task = plan.tasks.get()
    report = sent(task, units[0], date(2024, 1, 1), date(2024, 4, 3), state="submitted")
    for day in (date(2024, 4, 8), date(2024, 4, 15)):
        with time_machine.travel(day):
            report.refresh_from_db()
            report_return(report=report, reviewer=office, version=report.version, comment="补数据")
        ProgressReport.objects.filter(pk=report.pk).update(state="submitted")
    returned = item(scored(plan, date(2024, 5, 1))["人社局"], "returned")
    assert [e.date for e in returned.events] == [date(2024, 4, 8), date(2024, 4, 15)]
    assert returned.points == Decimal("-2.00")
    assert returned.events[0].url == f"/tasks/{task.pk}/#report-{report.pk}"
    assert "补数据" in returned.events[0].text
    assert item(scored(plan, date(2024, 4, 10))["人社局"], "returned").points == Decimal("-1.00")


def test_instructions_answered_late_or_not_at_all(plan, units):
    rules()
    task = plan.tasks.get()
    dates = [(date(2024, 5, 30), date(2024, 5, 20)), (date(2024, 5, 30), date(2024, 6, 9)), None]
    for answered in dates:
        due_on, answered_on = answered or (date(2024, 6, 30), None)
        instruction = Instruction.objects.create(
            task=task,
            leader="区长",
            text="加快推进",
            given_on=date(2024, 5, 1),
            due_on=due_on,
            answered_on=answered_on,
        )
        instruction.units.set([units[0]])
    result = item(scored(plan, date(2024, 7, 15))["人社局"], "instructions")
    assert sorted(e.kind for e in result.events) == ["answered", "answered_late", "unanswered"]
    assert result.points == Decimal("3.33")


def test_an_office_bonus_counts_with_its_reason_up_to_its_cap(plan, units):
    rules()
    for points, reason in [(3, "经验被省级推广"), (4, "获评全国示范")]:
        ScoreAdjustment.objects.create(
            office=plan.office,
            unit=units[1],
            plan=plan,
            given_on=date(2024, 5, 1),
            points=points,
            reason=reason,
        )
    bonus = item(scored(plan, date(2024, 6, 1))["总工会"], "adjustment")
    assert bonus.points == Decimal("5.00") and "以5分为限" in bonus.basis
    assert [e.text for e in bonus.events] == ["经验被省级推广", "获评全国示范"]
    assert bonus.events[0].url.startswith(f"/plans/{plan.pk}/scores/#adjustment-")


def test_the_rules_in_force_for_the_period_apply(plan, units):
    first = rules(effective_from=date(2024, 1, 1))
    rules([{"item": "on_time", "points": "50"}], version=2, effective_from=date(2025, 1, 1))
    # The plan ended 2024-12-31: scored in 2025, it keeps the rules of 2024.
    assert score_units(plan_scope(plan, date(2025, 3, 1))).rules == first
    year = score_units(year_scope(plan.office, 2025, date(2025, 3, 1)))
    assert year.rules.version == 2
    own = rules([{"item": "instructions", "points": "20"}], plan=plan)
    ranking = score_units(plan_scope(plan, date(2025, 3, 1)))
    assert ranking.rules == own and ranking.units[0].total == Decimal("20.00")


def test_no_rules_no_scores(plan):
    ranking = score_units(plan_scope(plan, date(2024, 6, 1)))
    assert ranking.rules is None and ranking.units == []


def test_equal_totals_share_a_rank(plan, units):
    rules([{"item": "on_time", "points": "30"}])
    third = make_unit(name="教育局")
    make_task(plan, lead=[third])
    ranking = score_units(plan_scope(plan, date(2024, 3, 1)))
    assert [(s.rank, s.total) for s in ranking.units] == [(1, 30), (1, 30), (1, 30)]
    task = plan.tasks.first()
    sent(task, units[0], date(2024, 1, 1), date(2024, 4, 3))  # the others send nothing
    ranking = score_units(plan_scope(plan, date(2024, 5, 1)))
    assert [(s.rank, s.unit.name, s.total) for s in ranking.units] == [
        (1, "人社局", 30),
        (2, "总工会", 0),
        (2, "教育局", 0),
    ]


def test_a_year_counts_the_events_of_every_plan_of_the_office_in_it(plan, units):
    rules()
    other = make_plan(title="2024年专项方案", year=2024, ends_on=date(2024, 12, 31))
    make_task(other, lead=[units[0]])
    sent(plan.tasks.get(), units[0], date(2024, 1, 1), date(2024, 4, 3))
    scope = year_scope(plan.office, 2024, date(2024, 5, 1))
    assert {p.pk for p in scope.plans} >= {plan.pk, other.pk}
    ranking = score_units(scope)
    on_time = item(next(s for s in ranking.units if s.unit == units[0]), "on_time")
    assert on_time.basis == "1 ÷ 2 × 30分"


# The sum property


EVENT_KINDS = {
    "on_time": ["on_time", "late", "missing"],
    "completion": ["done", "done_late", "not_done"],
    "instructions": ["answered", "answered_late", "unanswered"],
    "red_light": ["red_light"],
    "returned": ["returned"],
    "adjustment": ["adjustment"],
}
points = st.decimals(min_value=0, max_value=1000, places=2)
events = st.lists(
    st.tuples(
        st.sampled_from(list(ITEMS)),
        st.integers(0, 2),
        st.sampled_from(["lead", "support"]),
        st.decimals(min_value=-100, max_value=100, places=2),
    ),
    max_size=40,
)
rule_sets = st.lists(
    st.tuples(
        st.sampled_from(list(ITEMS)),
        points,
        st.sampled_from(["all", "lead"]),
        st.none() | points,
    ),
    unique_by=lambda r: r[0],
)


@given(rule_sets, events)
def test_a_score_is_exactly_the_sum_of_its_items(rule_rows, event_rows):
    found = [
        Event(
            name,
            EVENT_KINDS[name][kind % len(EVENT_KINDS[name])],
            date(2024, 1, 1),
            "",
            "",
            counts=kind == 0,
            role=role,
            points=value if name == "adjustment" else None,
        )
        for name, kind, role, value in event_rows
    ]
    items = [
        item_score(RuleItem(name, full, roles, cap), found) for name, full, roles, cap in rule_rows
    ]
    for scored_item, (name, full, _roles, cap) in zip(items, rule_rows, strict=True):
        assert scored_item.points == scored_item.points.quantize(Decimal("0.01"))
        if ITEMS[name].measure == "rate":
            assert 0 <= scored_item.points <= full
        elif cap is not None:
            assert abs(scored_item.points) <= cap
    from tasks.scoring.score import UnitScore

    score = UnitScore(None, items)
    assert score.total == sum((i.points for i in items), Decimal(0))


# Pages, scope and the export


@pytest.fixture
def demo(demo_users, lvjian):
    call_command("demo_scenario", stdout=io.StringIO())
    return lvjian


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_office_sees_the_ranking_with_every_points_events(demo_users, demo):
    html = client_for(demo_users["office"]).get(reverse("tasks:scores", args=[demo.pk]))
    html = html.content.decode()
    assert "排名" in html and "总分相同的单位名次并列" in html
    for unit in ("综合处", "产业处", "中欧办", "绿弘公司"):
        assert f"· {unit} ·" in html
    assert "逾期报送" in html and "#report-" in html and "发布排名" in html


def test_a_department_sees_its_own_score_until_the_ranking_is_published(demo_users, demo):
    chanye = client_for(demo_users["chanye"])
    url = reverse("tasks:scores", args=[demo.pk])
    html = chanye.get(url).content.decode()
    assert "排名尚未发布" in html and "· 产业处 ·" in html
    assert "· 综合处 ·" not in html and "发布排名" not in html
    export = chanye.get(url + "?export=xlsx")
    units = {row[1] for row in sheet(export, "排名")[4:]}
    assert units == {"产业处"}
    office = client_for(demo_users["office"])
    office.post(
        reverse("tasks:score_publish", args=[demo.office_id]),
        {"back_plan": demo.pk, "as_of": "2024-01-31", "action": "publish"},
    )
    html = chanye.get(url + "?as_of=2026-01-01").content.decode()
    assert "· 综合处 ·" in html and "截至 2024-01-31" in html
    assert "<dd>2024-01-31</dd>" in html  # as published, whatever the address asks
    office.post(
        reverse("tasks:score_publish", args=[demo.office_id]),
        {"back_plan": demo.pk, "action": "withdraw"},
    )
    assert not ScorePublication.objects.exists()
    assert "· 综合处 ·" not in chanye.get(url).content.decode()


@pytest.mark.parametrize(
    ("username", "status"),
    [("office", 200), ("leader", 403), ("chanye", 403), ("shanhu", 404), ("sheng", 403)],
)
def test_only_the_office_sets_rules_and_publishes(demo_users, demo, username, status):
    client = client_for(demo_users[username])
    url = reverse("tasks:score_rules", args=[demo.office_id])
    assert client.get(url).status_code == status
    publish = reverse("tasks:score_publish", args=[demo.office_id])
    data = {"back_plan": demo.pk, "as_of": "2024-01-31", "action": "publish"}
    expected = 302 if status == 200 else status
    assert client.post(publish, data).status_code == expected


@pytest.mark.parametrize(
    ("username", "status"),
    [("office", 200), ("leader", 200), ("sheng", 200), ("chanye", 200), ("shanhu", 404)],
)
def test_who_reads_a_plans_and_a_years_scores(demo_users, demo, username, status):
    client = client_for(demo_users[username])
    assert client.get(reverse("tasks:scores", args=[demo.pk])).status_code == status
    year = reverse("tasks:year_scores", args=[demo.office_id, 2023])
    assert client.get(year).status_code == status


def test_a_department_of_another_office_gets_404_for_its_year(demo_users, demo):
    outsider = make_user("outsider", unit=make_unit(name="外区单位"))
    client = client_for(outsider)
    assert client.get(reverse("tasks:year_scores", args=[demo.office_id, 2023])).status_code == 404
    assert client.get(reverse("tasks:scores", args=[demo.pk])).status_code == 404


@pytest.mark.parametrize("year", [0, 1999, 99999])
def test_a_year_no_plan_can_have_is_not_found(demo_users, demo, year):
    office = client_for(demo_users["office"])
    assert office.get(f"/offices/{demo.office_id}/scores/{year}/").status_code == 404
    publish = reverse("tasks:score_publish", args=[demo.office_id])
    response = office.post(publish, {"back_year": year, "as_of": "2024-01-31", "action": "publish"})
    assert response.status_code == 302 and not ScorePublication.objects.exists()


def sheet(response, name):
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def test_the_export_holds_the_pages_numbers(demo_users, demo):
    office = client_for(demo_users["office"])
    url = reverse("tasks:scores", args=[demo.pk]) + "?as_of=2024-01-31"
    ranking = score_units(plan_scope(demo, date(2024, 1, 31)))
    html = office.get(url).content.decode()
    rows = sheet(office.get(url + "&export=xlsx"), "排名")
    assert rows[0][0] == f"{demo.title} 考核评分" and rows[3][:3] == ["名次", "单位", "总分"]
    assert len(rows[4:]) == len(ranking.units)
    for row, score in zip(rows[4:], ranking.units, strict=True):
        assert row[:3] == [score.rank, score.unit.name, float(score.total)]
        assert row[3:] == [float(i.points) for i in score.items]
        assert f"<strong>{score.total}</strong>" in html
    details = sheet(office.get(url + "&export=xlsx"), "明细")
    texts = {row[5] for row in details[4:] if row[6]}
    events = {e.text for s in ranking.units for i in s.items for e in i.events}
    assert texts == events
    assert all(row[6].startswith("http://testserver/") for row in details[4:] if row[6])
    points = [(row[1], row[2], row[3], row[5]) for row in details[4:] if row[3] is not None]
    assert points == [
        (s.unit.name, str(i.label), float(i.points), i.basis)
        for s in ranking.units
        for i in s.items
    ]


def test_the_command_prints_every_point_and_its_events(demo):
    out = io.StringIO()
    call_command("score_units", plan=demo.pk, as_of=date(2024, 1, 31), json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["plan"] == demo.pk and data["as_of"] == "2024-01-31"
    assert [r["item"] for r in data["rules"]][:2] == ["on_time", "completion"]
    assert {u["unit"] for u in data["units"]} == {"综合处", "产业处", "中欧办", "绿弘公司"}
    for unit in data["units"]:
        total = sum(Decimal(str(i["points"])) for i in unit["items"])
        assert Decimal(str(unit["score"])) == total
        for scored_item in unit["items"]:
            for event in scored_item["events"]:
                assert set(event) >= {"kind", "date", "url"}
    again = io.StringIO()
    call_command("score_units", plan=demo.pk, as_of=date(2024, 1, 31), json=True, stdout=again)
    assert again.getvalue() == out.getvalue()
    year = io.StringIO()
    call_command("score_units", plan=demo.pk, year=2023, as_of=date(2024, 1, 31), stdout=year)
    assert "评分规则：默认 · 第1版" in year.getvalue()


def test_the_page_runs_the_same_queries_however_many_tasks(demo_users, demo):
    office = client_for(demo_users["office"])
    url = reverse("tasks:scores", args=[demo.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert office.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    units = [make_unit(name=f"新单位{n}") for n in range(5)]
    for n in range(10):
        task = make_task(demo, lead=[units[n % 5]], support=[units[(n + 1) % 5]])
        sent(task, units[n % 5], date(2023, 4, 1), date(2023, 7, 3))
    assert count() == before


# The office's forms


def test_saving_the_rules_keeps_every_version(demo_users, demo):
    office = client_for(demo_users["office"])
    url = reverse("tasks:score_rules", args=[demo.office_id])
    page = office.get(url).content.decode()
    assert "第1版" in page and "保存为新版本" in page
    data = {"effective_from": "2024-01-01", "on_time_points": "60", "on_time_roles": "all"}
    response = office.post(url, data)
    assert response.status_code == 302
    latest = ScoreRules.objects.filter(office=demo.office, plan=None).order_by("-version")
    assert [r.version for r in latest] == [2, 1]
    assert latest[0].items == [{"item": "on_time", "points": "60", "roles": "all"}]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"effective_from": "2024-01-01"}, "请至少设定一个评分项的分值"),
        ({"effective_from": "明年", "on_time_points": "30"}, "请按 2023-09-30 的格式填写日期"),
        ({"effective_from": "2024-01-01", "on_time_points": "-5"}, "分值不能为负数"),
        ({"effective_from": "2024-01-01", "on_time_points": "三十"}, "请填写数字"),
    ],
)
def test_bad_rules_change_nothing(demo_users, demo, data, error):
    office = client_for(demo_users["office"])
    url = reverse("tasks:score_rules", args=[demo.office_id])
    response = office.post(url, {"on_time_roles": "all"} | data)
    assert response.status_code == 200 and error in response.content.decode()
    assert ScoreRules.objects.filter(office=demo.office).count() == 1


def test_the_office_gives_and_takes_back_a_bonus(demo_users, demo):
    office = client_for(demo_users["office"])
    unit = demo.tasks.first().units.first()
    add = reverse("tasks:adjustment_add", args=[demo.office_id])
    data = {"unit": unit.pk, "plan": demo.pk, "given_on": "2023-11-20", "reason": "经验被省级推广"}
    response = office.post(add, data | {"points": "0", "back_plan": demo.pk}, follow=True)
    assert "分值不能为0" in response.content.decode() and not ScoreAdjustment.objects.exists()
    office.post(add, data | {"points": "3", "back_plan": demo.pk})
    adjustment = ScoreAdjustment.objects.get()
    html = office.get(reverse("tasks:scores", args=[demo.pk])).content.decode()
    assert "经验被省级推广" in html and f'id="adjustment-{adjustment.pk}"' in html
    chanye = client_for(demo_users["chanye"])
    delete = reverse("tasks:adjustment_delete", args=[adjustment.pk])
    assert chanye.post(delete).status_code == 403
    office.post(delete, {"back_plan": demo.pk})
    assert not ScoreAdjustment.objects.exists()


def test_the_overview_ranks_by_score_once_rules_exist(demo_users, lvjian):
    office = client_for(demo_users["office"])
    assert "各单位按时报送排名" in office.get("/").content.decode()
    call_command("demo_scenario", stdout=io.StringIO())
    html = office.get("/").content.decode()
    assert "2023年度考核得分排名" in html and "排名按本办的考核评分" in html
    assert reverse("tasks:year_scores", args=[lvjian.office_id, 2023]) in html


def test_a_long_breakdown_lists_200_events_and_leaves_the_rest_to_the_export(units):
    rules([{"item": "on_time", "points": "30"}])
    plan = make_plan(
        title="月报方案", year=2024, ends_on=date(2024, 12, 31), reporting_cycle="monthly"
    )
    for _ in range(20):
        make_task(plan, lead=[units[0]])
    user = make_user("office-staff", group="督办员")
    with time_machine.travel(date(2025, 2, 1)):
        html = client_for(user).get(reverse("tasks:scores", args=[plan.pk])).content.decode()
    assert "共 240 项，这里列出前 200 项" in html
    assert html.count("未报送") == 200


def test_a_task_finished_before_its_deadline_counts_before_the_deadline(plan, units):
    rules()
    task = plan.tasks.get()  # due 2024-06-30
    Task.objects.filter(pk=task.pk).update(closed_at="2024-03-01T10:00:00+08:00")
    done = item(scored(plan, date(2024, 4, 1))["人社局"], "completion")
    assert [(e.kind, e.date) for e in done.events] == [("done", date(2024, 3, 1))]
    assert done.points == Decimal("40.00")
    assert item(scored(plan, date(2024, 2, 1))["人社局"], "completion").events == []
