"""One-time form tokens: a form that creates something is carried out once, however often it is
sent (Back, a double click, a retry after a timeout)."""

import uuid

from django.db import IntegrityError, transaction
from django.shortcuts import render

from tasks.models import ProgressReport, Submission

FIELD = "once"


def new_token() -> str:
    return str(uuid.uuid4())


def sent_token(request) -> uuid.UUID | None:
    """The token a request carries, in its form or in its address."""
    value = request.POST.get(FIELD) or request.GET.get(FIELD)
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def submitted(request, token) -> Submission | None:
    """What the user's form with this token created, if it was sent."""
    if token is None:
        return None
    return (
        Submission.objects.filter(token=token, user=request.user)
        .select_related("report__task")
        .first()
    )


def once(request, token, create, *, url=lambda made: made.get_absolute_url()):
    """`create()`'s result and None; or, when the token was used already, None and what it
    created then. The token is claimed in `create`'s transaction: a copy sent at the same
    moment waits for it, then finds it used. A form without a token runs unguarded."""
    if token is None:
        return create(), None
    try:
        with transaction.atomic():
            claim = Submission.objects.create(token=token, user=request.user)
            made = create()
            claim.url = url(made)
            claim.report = made if isinstance(made, ProgressReport) else None
            claim.save(update_fields=["url", "report"])
            return made, None
    except IntegrityError:
        earlier = submitted(request, token)
        if earlier is None:
            raise
        return None, earlier


def already(request, submission, message):
    """The answer to a form sent again: it created nothing, and this is what it did before."""
    return render(
        request, "tasks/already_submitted.html", {"submission": submission, "message": message}
    )
