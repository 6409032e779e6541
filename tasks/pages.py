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

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from tasks.models import PlanTally, StandingClock, UnitTally

# Where a cached body's forms take the reader's CSRF field. User text cannot forge it: "<" is
# escaped in everything a template prints.
CSRF_SLOT = "<!-- csrf -->"


def plan_version(plan):
    return PlanTally.objects.filter(plan=plan).values_list("version", flat=True).first()


def unit_version(unit):
    return UnitTally.objects.filter(unit=unit).values_list("version", flat=True).first()


def all_versions():
    """Moves on with every write: each recounts some tally."""
    return StandingClock.objects.values_list("version", flat=True).first()


def list_version(query):
    """What a task list's rows depend on: the plan's or the unit's version when the list is
    filtered by one (any change to its tasks recounts that tally), else every plan's."""
    plan, unit = query.get("plan", ""), query.get("unit", "")
    if plan.isdigit():
        return "plan", plan, PlanTally.objects.filter(plan=plan).values_list("version").first()
    if unit.isdigit():
        return "unit", unit, UnitTally.objects.filter(unit=unit).values_list("version").first()
    return "all", all_versions()


def cached(key_parts, produce):
    """What `produce()` returns, made once for these key parts and the language."""
    key = "page:" + hashlib.sha256(repr([*key_parts, get_language()]).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = produce()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


def cached_body(key_parts, template, context, request=None):
    """`template` rendered with `context()` (a callable, called only on a miss)."""
    return cached(
        [template, *key_parts], lambda: render_to_string(template, context(), request=request)
    )


def with_csrf(body, request):
    """A cached body with the reader's CSRF field in each of its forms' CSRF_SLOT."""
    field = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    return mark_safe(body.replace(CSRF_SLOT, field))  # noqa: S308 - a rendered template and an escaped field
