"""Page bodies rendered once per state of the data they show.

Every write refreshes the standing of what it touched, and the tallies of the plans and units
concerned count it (`PlanTally.version`, `UnitTally.version`, and `StandingClock` for pages
that span plans). A body cached under that version, the day (time alone moves lights), the
language and the reader's role flags is right until one of them changes; what it shows of
objects edited outside that path (a unit renamed in the admin) shows within
PAGE_CACHE_SECONDS. Bodies hold no CSRF token and nothing else of the reader: forms that post
either live outside them or hold CSRF_SLOT, which `with_csrf` fills for each request.
"""

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from reform.middleware import OTHERS_WRITES_MAY_LAG
from reform.prepared import Prepared
from tasks.models import Plan, PlanTally, StandingClock, UnitTally

logger = logging.getLogger(__name__)

# Where a cached body's forms take the reader's CSRF field. User text cannot forge it: "<" is
# escaped in everything a template prints.
CSRF_SLOT = "<!-- csrf -->"


def versions(tallies):
    return tallies.values_list("version", flat=True)


PLAN_VERSION = Prepared(lambda plan: versions(PlanTally.objects.filter(plan=plan)))
UNIT_VERSION = Prepared(lambda unit: versions(UnitTally.objects.filter(unit=unit)))
CLOCK_VERSION = Prepared(lambda: versions(StandingClock.objects.order_by("pk")[:1]))


def plan_version(plan):
    return PLAN_VERSION.first(plan.pk)


def unit_version(unit):
    return UNIT_VERSION.first(unit.pk)


# What moves whenever a report's article changes, with its id: its `version` (every write
# through the services moves it, imports included) and `updated_at` (every save moves it, the
# admin's included). One small query for a page's reports, however long their articles.
REPORT_HEAD = ("pk", "version", "updated_at")


def report_head(report):
    """The head of a report at hand, as `selectors.task_report_heads` reads it."""
    return tuple(getattr(report, name) for name in REPORT_HEAD)


def catalog_version():
    """Moves on when a plan or a responsible unit comes or goes (two small queries); a plan
    or unit renamed shows within PAGE_CACHE_SECONDS."""
    return Plan.objects.aggregate(n=Count("pk"), last=Max("pk")), UnitTally.objects.count()


def all_versions():
    """Moves on with every write: each recounts some tally."""
    return CLOCK_VERSION.first()


def list_version(query):
    """What a task list's rows depend on: the plan's or the unit's version when the list is
    filtered by one (any change to its tasks recounts that tally), else every plan's."""
    plan, unit = row_id(query.get("plan", "")), row_id(query.get("unit", ""))
    if plan is not None:
        return "plan", plan, PLAN_VERSION.first(plan)
    if unit is not None:
        return "unit", unit, UNIT_VERSION.first(unit)
    return "all", all_versions()


def row_id(text):
    """`text` (from a query string) as the id of a row, or None where no row can have it:
    not digits ("²" passes `isdigit`), or past what a 64-bit key holds (Python refuses to
    read an int of more than 4,300 digits)."""
    text = str(text)
    return int(text) if text.isdecimal() and len(text) < 20 and int(text) < 2**63 else None


def page_key(key_parts):
    return "page:" + hashlib.sha256(repr([*key_parts, get_language()]).encode()).hexdigest()


def cached(key_parts, produce):
    """What `produce()` returns, made once for these key parts and the language."""
    return cached_many((key_parts, produce))[0]


def cached_many(*made):
    """What each `produce()` of `(key_parts, produce)` returns, as `cached` gives it: in one
    round trip to the cache, and one more for what was made."""
    keys = [page_key(key_parts) for key_parts, _ in made]
    found = cache_get_many(keys)
    fresh = {
        key: produce() for key, (_, produce) in zip(keys, made, strict=True) if key not in found
    }
    cache_set_many(fresh)
    return [found[key] if key in found else fresh[key] for key in keys]


def rows(template, items, state, name="task", **context):
    """Each item rendered through `template` (as `name`, beside `context`), reusing the row
    rendered for an identical `state(item)` and context: the state holds everything the row
    shows. After a report only the rows it changed are rendered again; the others come from
    the cache in one round trip."""
    items = list(items)

    def load(missing):
        return {i: items[i] for i in missing}

    return cached_rows(template, [state(item) for item in items], load, name, context)


def cached_rows(template, states, load, name, context):
    """The row of each state: from the cache, or made from the items `load(indexes)` gives
    for the states not cached ({index: item}; an item it cannot find has no row) by
    `template`: a template's name (the item is `name` in its context) or a function called
    with the item and `context`."""
    keys = [row_key(template, state, context) for state in states]
    found = cache_get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        make = template if callable(template) else rendering(template, name)
        fresh = {keys[i]: make(item, **context) for i, item in load(missing).items()}
        cache_set_many(fresh)
        found |= fresh
    # Made by our own templates and builders, which escape what they print.
    return [mark_safe(found[key]) for key in keys if key in found]  # noqa: S308


def row_key(template, state, context):
    return page_key([getattr(template, "__qualname__", template), state, context])


def keep_row(make, state, item, context):
    """Stores the row `make(item, **context)` where `cached_rows` will look for the row of
    `state`: for an item just written and at hand, that the page its writer lands on would
    otherwise read again."""
    cache_set_many({row_key(make, state, context): make(item, **context)})


def rendering(template, name):
    """A function rendering an item through `template`, as `name` beside the context."""
    compiled = get_template(template)
    return lambda item, **context: compiled.render(context | {name: item})


def field_values(obj, *left_out):
    """The values of an object's fields, but a plan's source document (on no row, and long)
    and the fields `left_out`."""
    left_out = {"source_text", *left_out}
    return [getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in left_out]


def task_state(task):
    """What any row about a task can show: its fields (the stored light and its reasons
    among them), its plan and its units (tasks with `with_units()`)."""
    return (
        field_values(task),
        field_values(task.plan),
        [(r.role, r.unit_id, r.unit.display_name) for r in task.responsibilities.all()],
    )


def stat_state(row):
    """The counts, and the fields of the plan or unit they are about."""
    return row, row.obj and field_values(row.obj)


def plan_state(plan):
    return plan.pk, plan.title


def cache_get_many(keys):
    """The cached values of these keys; none when the cache is down (pages render instead)."""
    try:
        return cache.get_many(keys)
    except Exception:  # a shared cache unreachable: slower pages, not broken ones
        logger.warning("page cache unreachable", exc_info=True)
        return {}


def cache_set_many(values, seconds=None):
    if not values:
        return
    try:
        cache.set_many(values, seconds or settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("page cache unreachable", exc_info=True)


def cached_body(key_parts, template, context, request=None, *, state=None):
    """`template` rendered with `context()` (a callable, called only on a miss).

    With `state` (a callable giving what the body's data stands at: a version), the body is
    kept under `state()` and the key parts, and, for PAGE_STALE_SECONDS, under the key parts
    alone: a reader whose pages may show others' writes that late (reform.middleware) gets
    the body made last without `state()` being asked."""
    if state is None:
        return cached_bodies((key_parts, template, context, request))[0]
    seconds = settings.PAGE_STALE_SECONDS
    recent = page_key(["recent", template, *key_parts])
    if OTHERS_WRITES_MAY_LAG.get():
        body = cache_get_many([recent]).get(recent)
        if body is not None:
            return body
    body = cached_bodies(([state(), *key_parts], template, context, request))[0]
    if seconds:
        cache_set_many({recent: body}, seconds)
    return body


def cached_bodies(*bodies):
    """Several `cached_body` (each `(key_parts, template, context, request)`) in one round
    trip to the cache, and one more for those rendered."""
    return cached_many(
        *(
            ([template, *key_parts], partial(rendered, template, context, request))
            for key_parts, template, context, request in bodies
        )
    )


def rendered(template, context, request):
    return render_to_string(template, context(), request=request)


def with_csrf(body, request):
    """A cached body with the reader's CSRF field in each of its forms' CSRF_SLOT."""
    field = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    return mark_safe(body.replace(CSRF_SLOT, field))  # noqa: S308 - a rendered template and an escaped field
