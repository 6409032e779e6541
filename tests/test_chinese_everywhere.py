"""No English where a zh-hans user looks: every page each role opens, its text and the
labels people read (placeholders, titles, aria labels), in Chinese."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import OK, POLICY, USERS, world  # noqa: F401 (a fixture)

# Words that are names, not English: of products, formats and the language switch itself.
ALLOWED = {"English", "Excel", "WPS", "PDF", "Word", "xlsx", "docx", "txt", "MB", "pdf"}
READ_BY = ["office", "leader", "lead", "support", "province"]
LABELS = re.compile(r'(?:placeholder|title|aria-label)="([^"]*)"')
WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")


def visible_text(page, usernames):
    """What a person reads on the page: its text and labels, without the scripts, styles,
    the language switch's own name, e-mail addresses and user names."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(\w+) class="visually-hidden">.*?</\1>', " ", page, flags=re.S)
    labels = " ".join(LABELS.findall(page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + labels
    text = html.unescape(text)
    text = re.sub(r"\S+@\S+|https?://\S+|/\S*", " ", text)
    return re.sub(r"\b(?:" + "|".join(map(re.escape, usernames)) + r")\b", " ", text)


def english(page, usernames):
    return sorted({w for w in WORD.findall(visible_text(page, usernames)) if w not in ALLOWED})


@pytest.mark.parametrize("persona", READ_BY)
def test_every_page_speaks_chinese(world, persona):  # noqa: F811
    users, args = world
    client = Client()
    client.force_login(users[persona])
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    found = {}
    for name, (get_policy, _post) in POLICY.items():
        if get_policy[persona] != OK or name in ("login", "logout", "set_language"):
            continue
        response = client.get(reverse(name, args=args.get(name, [])), follow=True)
        if response.get("Content-Type", "").startswith("text/html"):
            words = english(response.content.decode(), usernames)
            if words:
                found[name] = words
    assert not found, found


def test_the_admin_speaks_chinese_to_the_office(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    found = {}
    for model in admin.site._registry:
        for view in ["changelist", "add"]:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
            response = client.get(url)
            if response.status_code == 200 and (
                words := english(response.content.decode(), usernames)
            ):
                found[url] = words
    assert not found, found


def test_the_public_pages_speak_chinese(db):
    client = Client()
    for name in ["login", "password_reset", "password_reset_done"]:
        assert not english(client.get(reverse(name)).content.decode(), {"x"}), name


def test_it_finds_english_where_there_is_some():
    page = '<select><option>Year</option></select><input placeholder="Search">(chanye)'
    assert english(page, {"chanye"}) == ["Search", "Year"]
