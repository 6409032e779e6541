"""Every URL × persona × method against a declared policy.

The URL list comes from the URL configuration, so a new view without a policy here fails
`test_every_url_has_a_policy`. Personas: anonymous, an outsider unit (绿弘公司 on 产业处's
work), the responsible units (产业处 leads task 7, 中欧办 supports it), office staff, a leader,
an IT superuser, the office above (江苏省产改办: reads 绿建区's plan, changes nothing in it)
and another province's office (剡湖街道: nothing of 绿建区's exists for it).
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tasks.meetings.record import meeting_record
from tasks.models import Instruction, ProgressReport, ScoreAdjustment
from tasks.services import attachment_add
from tests.conftest import lvjian_task, make_user

PERSONAS = [
    "anonymous",
    "outsider",
    "lead",
    "support",
    "office",
    "leader",
    "admin",
    "province",
    "stranger",
]
USERS = {
    "outsider": "lvhong",
    "lead": "chanye",
    "support": "zhongou",
    "office": "office",
    "leader": "leader",
    "province": "sheng",
    "stranger": "shanhu",
}
LOGIN, OK, REDIRECT, FORBIDDEN, MISSING, NOT_ALLOWED = "login", 200, 302, 403, 404, 405


def everyone(status, **overrides):
    return {p: overrides.get(p, status) for p in PERSONAS} | {"anonymous": LOGIN}


READ = everyone(OK)
READ_IN_SCOPE = everyone(OK, stranger=MISSING)
OFFICES = ("office", "admin", "province", "stranger")  # staff of some office, and IT
OFFICE_READ = everyone(FORBIDDEN, **dict.fromkeys(OFFICES, OK))
OFFICE_ONLY_POST = everyone(FORBIDDEN, **dict.fromkeys(OFFICES, NOT_ALLOWED))
# What only the plan's own office does: the office above reads the plan but may not.
OFFICE_ACTION = everyone(FORBIDDEN, office=REDIRECT, admin=REDIRECT, stranger=MISSING)
PLAN_OFFICE_READ = everyone(FORBIDDEN, office=OK, admin=OK, stranger=MISSING)
READ_ONLY = everyone(NOT_ALLOWED)
PUBLIC = {p: OK for p in PERSONAS} | {"anonymous": OK}
PLAN_OFFICE_ONLY = everyone(FORBIDDEN, office=OK, admin=OK, stranger=MISSING)
MEETING = everyone(FORBIDDEN, office=OK, leader=OK, admin=OK, province=OK, stranger=MISSING)
ACCOUNT = everyone(FORBIDDEN, office=OK, admin=OK, province=OK, stranger=MISSING)
BELOW = {"office": OK, "leader": OK, "admin": OK, "province": OK}  # the office's subtree

# url name: (GET policy, POST policy)
POLICY = {
    "home": (everyone(OK, outsider=REDIRECT, lead=REDIRECT, support=REDIRECT), READ_ONLY),
    # signed-in users are sent on; an anonymous POST without credentials gets the form again
    "login": (
        {p: REDIRECT for p in PERSONAS} | {"anonymous": OK},
        {p: REDIRECT for p in PERSONAS} | {"anonymous": OK},
    ),
    "logout": ({p: NOT_ALLOWED for p in PERSONAS}, {p: REDIRECT for p in PERSONAS}),
    "set_language": ({p: REDIRECT for p in PERSONAS}, {p: REDIRECT for p in PERSONAS}),
    # everyone signed in changes their own password (a POST without one gets the form again)
    "password_change": (READ, READ),
    "password_change_done": (READ, READ_ONLY),
    "tasks:plans": (READ, READ_ONLY),
    "tasks:plan": (READ_IN_SCOPE, READ_ONLY),
    "tasks:ledger": (READ_IN_SCOPE, READ_ONLY),
    "tasks:alignment": (everyone(FORBIDDEN, stranger=MISSING, **BELOW), OFFICE_ACTION),
    "tasks:coverage": (everyone(FORBIDDEN, stranger=MISSING, **BELOW), READ_ONLY),
    "tasks:import": (
        everyone(OK, leader=FORBIDDEN, province=FORBIDDEN, stranger=MISSING),
        everyone(OK, leader=FORBIDDEN, province=FORBIDDEN, stranger=MISSING),
    ),
    "tasks:plan_import": (OFFICE_READ, OFFICE_READ),
    "tasks:carry_over": (PLAN_OFFICE_READ, PLAN_OFFICE_READ),
    "tasks:archive": (OFFICE_ONLY_POST, OFFICE_ACTION),
    "tasks:unarchive": (OFFICE_ONLY_POST, OFFICE_ACTION),
    "tasks:list": (READ, READ_ONLY),
    "tasks:task": (READ_IN_SCOPE, READ_ONLY),
    "tasks:report": (  # a new form goes first to its own address with its one-time token
        everyone(FORBIDDEN, lead=REDIRECT, support=REDIRECT, stranger=MISSING),
        everyone(FORBIDDEN, lead=REDIRECT, support=OK, stranger=MISSING),
    ),
    # 办结 is asked for, then confirmed
    "tasks:close": (everyone(FORBIDDEN, office=OK, admin=OK, stranger=MISSING), OFFICE_ACTION),
    "tasks:reopen": (OFFICE_ONLY_POST, OFFICE_ACTION),
    "tasks:remind_task": (OFFICE_ONLY_POST, OFFICE_ACTION),
    "tasks:unit": (everyone(MISSING, lead=OK, **BELOW), READ_ONLY),
    # the office above may ask: none of the unit's tasks it reads is its own to remind on
    "tasks:remind_unit": (OFFICE_ONLY_POST, OFFICE_ACTION | {"province": REDIRECT}),
    "tasks:template": (everyone(MISSING, lead=OK, **BELOW), READ_ONLY),
    "tasks:help_lights": (READ, READ_ONLY),
    "tasks:review": (OFFICE_READ, OFFICE_ONLY_POST),
    # the draft of 产业处: other units do not see it; office and leaders see but cannot edit
    "tasks:report_edit": (
        everyone(MISSING, lead=OK, **dict.fromkeys(BELOW, FORBIDDEN)),
        everyone(MISSING, lead=OK, **dict.fromkeys(BELOW, FORBIDDEN)),
    ),
    "tasks:accept": (OFFICE_ONLY_POST, OFFICE_ACTION),
    "tasks:return": (OFFICE_ONLY_POST, OFFICE_ACTION),
    "tasks:attachment": (everyone(MISSING, lead=OK, **BELOW), READ_ONLY),
    # meetings are read by offices and leaders; the office records them (an empty form: 200)
    "tasks:meetings": (
        everyone(FORBIDDEN, **dict.fromkeys(OFFICES, OK), leader=OK),
        everyone(FORBIDDEN, **dict.fromkeys(OFFICES, OK)),
    ),
    "tasks:meeting": (MEETING, READ_ONLY),
    # the plan's office records an instruction (an empty form: 200); the units named answer
    "tasks:instruction_add": (PLAN_OFFICE_ONLY, PLAN_OFFICE_ONLY),
    "tasks:instruction_answer": (
        READ_ONLY,
        everyone(FORBIDDEN, lead=REDIRECT, stranger=MISSING),
    ),
    "tasks:meeting_ledger": (MEETING, READ_ONLY),
    "tasks:bulletin": (MEETING, READ_ONLY),
    # 考核: read by whoever reads the plan (departments their own unit's until published);
    # only the plan's own office sets rules, gives 加减分 and publishes
    "tasks:scores": (READ_IN_SCOPE, READ_ONLY),
    "tasks:year_scores": (READ_IN_SCOPE, READ_ONLY),
    "tasks:score_rules": (PLAN_OFFICE_ONLY, PLAN_OFFICE_ONLY),
    "tasks:adjustment_add": (READ_ONLY, OFFICE_ACTION),
    "tasks:adjustment_delete": (READ_ONLY, OFFICE_ACTION),
    "tasks:score_publish": (READ_ONLY, OFFICE_ACTION),
    "password_reset": (PUBLIC, PUBLIC),
    "password_reset_done": (PUBLIC, {p: NOT_ALLOWED for p in PERSONAS} | {"anonymous": 405}),
    "password_reset_confirm": (PUBLIC, PUBLIC),  # a link that is not valid says so
    "password_reset_complete": (PUBLIC, {p: NOT_ALLOWED for p in PERSONAS} | {"anonymous": 405}),
    "units:accounts": (OFFICE_READ, OFFICE_ONLY_POST),
    # 产业处's liaison: the offices above it look after the account, another tree's does not
    "units:account": (ACCOUNT, ACCOUNT),
    "units:account_reset_link": (
        OFFICE_ONLY_POST,
        ACCOUNT | {"office": 302, "admin": 302, "province": 302},
    ),
    "units:account_unlock": (
        OFFICE_ONLY_POST,
        everyone(FORBIDDEN, **dict.fromkeys(OFFICES, REDIRECT)),
    ),
}
SKIPPED_NAMESPACES = {"admin"}  # the Django admin checks staff status and model permissions


def named_urls(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_urls(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_has_a_policy():
    assert set(named_urls()) == set(POLICY)


@pytest.fixture
def world(demo_users):
    """Objects of 产业处 that every persona tries to reach."""
    task = lvjian_task("7")
    lead = task.lead_units[0]
    draft = ProgressReport.objects.create(task=task, unit=lead, progress="草稿")
    sent = ProgressReport.objects.create(
        task=task, unit=lead, progress="已报", state="submitted", period="2023-01-01"
    )
    attachment = attachment_add(
        report=draft, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), user=demo_users["chanye"]
    )
    meeting = meeting_record(
        office=task.plan.office, title="督查会", held_on=date(2023, 9, 30), plans=[task.plan]
    )
    instruction = Instruction.objects.create(
        task=task, leader="书记", text="落实", given_on=date(2023, 9, 1), due_on=date(2023, 9, 30)
    )
    instruction.units.set([lead])
    office = task.plan.office
    adjustment = ScoreAdjustment.objects.create(
        office=office, unit=lead, given_on=date(2023, 9, 1), points=1, reason="经验推广"
    )
    users = {p: demo_users[u] for p, u in USERS.items()}
    users["admin"] = make_user("it-admin", is_staff=True, is_superuser=True)
    args = {
        "tasks:plan": [task.plan_id],
        "tasks:ledger": [task.plan_id],
        "tasks:alignment": [task.plan_id],
        "tasks:coverage": [task.plan_id],
        "tasks:import": [task.plan_id],
        "tasks:carry_over": [task.plan_id],
        "tasks:archive": [task.plan_id],
        "tasks:unarchive": [task.plan_id],
        "tasks:task": [task.pk],
        "tasks:report": [task.pk],
        "tasks:close": [task.pk],
        "tasks:reopen": [task.pk],
        "tasks:remind_task": [task.pk],
        "tasks:unit": [lead.pk],
        "tasks:remind_unit": [lead.pk],
        "tasks:template": [lead.pk, task.plan_id],
        "tasks:report_edit": [draft.pk],
        "tasks:accept": [sent.pk],
        "tasks:return": [sent.pk],
        "tasks:attachment": [attachment.pk],
        "password_reset_confirm": ["MQ", "no-such-token"],
        "tasks:meeting": [meeting.pk],
        "tasks:bulletin": [meeting.pk],
        "tasks:instruction_add": [task.pk],
        "tasks:instruction_answer": [instruction.pk],
        "tasks:meeting_ledger": [meeting.pk, task.plan_id],
        "tasks:scores": [task.plan_id],
        "tasks:year_scores": [office.pk, 2023],
        "tasks:score_rules": [office.pk],
        "tasks:adjustment_add": [office.pk],
        "tasks:adjustment_delete": [adjustment.pk],
        "tasks:score_publish": [office.pk],
        "units:account": [demo_users["chanye"].pk],
        "units:account_reset_link": [demo_users["chanye"].pk],
    }
    return users, args


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(POLICY))
def test_access(world, name, persona, method):
    users, args = world
    client = Client()
    if persona != "anonymous":
        client.force_login(users[persona])
    url = reverse(name, args=args.get(name, []))
    response = client.get(url) if method == "GET" else client.post(url, {"comment": "x"})
    expected = POLICY[name][0 if method == "GET" else 1][persona]
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), (
            response.status_code
        )
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", ["anonymous", "lead", "leader"])
def test_the_admin_is_for_staff_only(world, persona):
    users, _args = world
    client = Client()
    if persona != "anonymous":
        client.force_login(users[persona])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url
