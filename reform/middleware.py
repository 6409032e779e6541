from contextvars import ContextVar

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Chinese unless the user chose otherwise.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: an office PC
    with an English system should still show the product in Chinese. The language switch in the
    navigation bar sets the cookie that this reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


# Whether the request's pages may show others' writes PAGE_STALE_SECONDS late (tasks.pages).
OTHERS_WRITES_MAY_LAG = ContextVar("others_writes_may_lag", default=False)
WROTE_COOKIE = "wrote"


class RecentWrites:
    """Marks whoever sends a request that may write (a POST: a report, a review, a login) with
    a signed cookie for PAGE_STALE_SECONDS; the pages of a reader without one may show
    others' writes that late. Someone who has just written sees the pages they land on, and
    every page after, as their write left them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_STALE_SECONDS
        writes = request.method not in ("GET", "HEAD")
        may_lag = (
            seconds > 0
            and not writes
            and request.get_signed_cookie(
                WROTE_COOKIE, default=None, salt=WROTE_COOKIE, max_age=seconds
            )
            is None
        )
        token = OTHERS_WRITES_MAY_LAG.set(may_lag)
        try:
            response = self.get_response(request)
        finally:
            OTHERS_WRITES_MAY_LAG.reset(token)
        if writes and seconds > 0:
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=WROTE_COOKIE,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
