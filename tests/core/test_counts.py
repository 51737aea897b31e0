"""Counts of large lists kept a minute (core/counts.py): small counts stay exact after each change, a large one is
kept — and only ever shown to the scope it was made for."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from hoso.core import counts
from hoso.records import services
from hoso.records.models import Dossier


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def register(actor, name: str, commune, number: int):
    person = services.create_person(actor=actor, full_name=name, residence_unit=commune)
    return services.register_dossier(actor=actor, number=f"QTI/LS-{number:05d}/CM", category_code="LS",
                                     subject=person)


def header_count(client: Client) -> str:
    page = client.get("/ho-so/").content.decode()
    return re.search(r'<p class="count">([\d.]+)', page).group(1)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_small_list_counts_each_new_dossier_at_once(actor, make_user, communes):
    province = signed_in(make_user("policy_officer"))
    register(actor, "Lê Văn An", communes["a"], 1)
    assert header_count(province) == "1"
    register(actor, "Trần Thị Bình", communes["b"], 2)
    assert header_count(province) == "2"


def test_a_large_count_is_kept_a_minute_and_never_shown_to_another_scope(actor, make_user, communes, monkeypatch):
    monkeypatch.setattr(counts, "LARGE", 2)  # "large" made small enough for a test
    for number, (name, commune) in enumerate([("Lê Văn An", "a"), ("Trần Thị Bình", "b"), ("Phạm Văn Cư", "b")]):
        register(actor, name, communes[commune], number + 1)
    province = signed_in(make_user("policy_officer"))
    commune_a = signed_in(make_user("commune_officer", scope=communes["a"]))
    assert header_count(province) == "3"
    register(actor, "Đỗ Thị Dung", communes["a"], 4)
    assert header_count(province) == "3"  # kept: 3 is "large" here
    assert header_count(commune_a) == "2"  # its own count, made now (below "large", so exact)
    cache.clear()  # the minute is over
    assert header_count(province) == "4"


def test_the_home_page_counts_work_waiting_exactly_while_category_counts_are_kept(actor, make_user, communes,
                                                                                   monkeypatch):
    monkeypatch.setattr(counts, "LARGE", 2)
    for number in range(1, 4):
        register(actor, f"Người Thứ {number}", communes["a"], number)
    entry = signed_in(make_user("verifier"))
    page = entry.get("/").content.decode()
    assert "<strong>3</strong> hồ sơ" in page
    dossier = register(actor, "Người Thứ Tư", communes["a"], 4)
    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.ENTERED)  # entered, waiting to be checked
    page = entry.get("/").content.decode()
    assert "<strong>3</strong> hồ sơ" in page  # the total by category: kept
    assert re.search(r'<strong class="num">1</strong> Hồ sơ đã nhập liệu, chờ kiểm tra', page)  # the work: exact
