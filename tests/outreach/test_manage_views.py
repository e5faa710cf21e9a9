import datetime

import pytest
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.outreach.models import Batch, LectureGroup, Membership
from laurel.people.models import Person
from tests.factories.outreach import BatchFactory, LectureGroupFactory, MembershipFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def manage_url(group):
    return reverse("outreach:manage_group", kwargs={"slug": group.slug})


def test_staff_create_and_edit_a_group(staff_client):
    response = staff_client.post(
        reverse("outreach:manage_group_create"),
        {
            "name": "青年科学家宣讲团",
            "name_en": "Young Scientists Lecture Group",
            "slug": "young",
            "description": "青年",
        },
    )
    group = LectureGroup.objects.get()
    assert response.url == manage_url(group)
    staff_client.post(
        reverse("outreach:manage_group_update", kwargs={"slug": "young"}),
        {"name": "青年科学家宣讲团", "name_en": "Young Scientists", "slug": "young", "description": "青年"},
    )
    assert LectureGroup.objects.get().name_en == "Young Scientists"
    assert [entry.action for entry in AuditEntry.objects.order_by("pk")] == [
        "outreach.group.created", "outreach.group.updated",
    ]  # fmt: skip
    assert "青年科学家宣讲团" in staff_client.get(reverse("outreach:manage_groups")).content.decode()


def test_a_reserved_or_taken_address_is_refused_in_chinese(staff_client):
    LectureGroupFactory(slug="taken")
    for slug, message in [("talks", "此地址为系统保留"), ("taken", "具有 公开网址 的 宣讲团 已存在")]:
        response = staff_client.post(reverse("outreach:manage_group_create"), {"name": f"团{slug}", "slug": slug})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert LectureGroup.objects.count() == 1


def test_staff_add_a_batch_then_members_who_become_public(staff_client):
    group = LectureGroupFactory()
    staff_client.post(
        manage_url(group), {"action": "batch", "announced_on": "2026-05-30", "announced_at": "全国科技工作者日表彰大会"}
    )
    batch = Batch.objects.get(group=group)
    assert (batch.number, batch.announced_on, batch.announced_at) == (
        1,
        datetime.date(2026, 5, 30),
        "全国科技工作者日表彰大会",
    )
    head, member = PersonFactory(), PersonFactory()
    staff_client.post(
        manage_url(group), {"action": "members", "batch": "1", "b1-persons": [head.pk], "b1-role": "head"}
    )
    staff_client.post(
        manage_url(group),
        {
            "action": "members",
            "batch": "1",
            "b1-persons": [member.pk],
            "b1-role": "member",
            "b1-term_end": "2029-05-29",
        },
    )
    memberships = {m.person_id: m for m in Membership.objects.filter(group=group)}
    assert memberships[head.pk].role == "head" and memberships[head.pk].term_start == datetime.date(2026, 5, 30)
    assert memberships[member.pk].term_end == datetime.date(2029, 5, 29)
    assert Person.objects.filter(pk__in=[head.pk, member.pk], is_public=True).count() == 2
    assert AuditEntry.objects.filter(action="outreach.membership.added").count() == 2


def test_a_bad_term_adds_nobody_and_says_why(staff_client):
    batch = BatchFactory(number=1)
    people = [PersonFactory(), PersonFactory()]
    response = staff_client.post(
        manage_url(batch.group),
        {"action": "members", "batch": "1", "b1-persons": [p.pk for p in people], "b1-role": "member",
         "b1-term_start": "2026-06-01", "b1-term_end": "2026-01-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "任期结束日期须晚于开始日期" in response.content.decode()
    assert not Membership.objects.exists()
    assert not Person.objects.filter(is_public=True).exists()


def test_staff_retire_a_member_once(staff_client):
    membership = MembershipFactory()
    url = manage_url(membership.group)
    staff_client.post(url, {"action": "retire", "membership": membership.pk, "retired_on": "2026-03-01"})
    assert Membership.objects.get().retired_on == datetime.date(2026, 3, 1)
    response = staff_client.post(
        url, {"action": "retire", "membership": membership.pk, "retired_on": "2026-04-01"}, follow=True
    )
    assert "该成员已退出" in response.content.decode()
    assert Membership.objects.get().retired_on == datetime.date(2026, 3, 1)
    assert (
        staff_client.post(url, {"action": "retire", "membership": "x1", "retired_on": "2026-04-01"}).status_code == 404
    )


def test_members_of_another_group_cannot_be_retired_from_this_page(staff_client):
    membership = MembershipFactory()
    other = LectureGroupFactory()
    response = staff_client.post(
        manage_url(other), {"action": "retire", "membership": membership.pk, "retired_on": "2026-03-01"}
    )
    assert response.status_code == 404
    assert Membership.objects.get().retired_on is None


@pytest.mark.parametrize("user_fixture", ["member", "stranger", "nominator", "expert"])
def test_non_staff_cannot_reach_or_change_groups(client, request, user_fixture):
    group = LectureGroupFactory()
    BatchFactory(group=group, number=1)
    client.force_login(request.getfixturevalue(user_fixture))
    for url in [
        reverse("outreach:manage_groups"), reverse("outreach:manage_group_create"), manage_url(group),
        reverse("outreach:manage_group_update", kwargs={"slug": group.slug}),
    ]:  # fmt: skip
        assert client.get(url).status_code == 403
    person = PersonFactory()
    response = client.post(manage_url(group), {"action": "members", "batch": "1", "b1-persons": [person.pk]})
    assert response.status_code == 403
    assert client.post(manage_url(group), {"action": "batch", "announced_on": "2026-05-30"}).status_code == 403
    assert not Membership.objects.exists() and Batch.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client):
    group = LectureGroupFactory()
    response = client.post(manage_url(group), {"action": "batch", "announced_on": "2026-05-30"})
    assert response.status_code == 302 and "login" in response.url
    assert not Batch.objects.exists()


def test_candidate_search_finds_people_who_may_join_and_keeps_the_ticked_ones(staff_client, staff):
    group = LectureGroupFactory(slug="spirit")
    BatchFactory(group=group, number=1)
    ticked, found = PersonFactory(name="李四光"), PersonFactory(name="李政道")
    member = MembershipFactory(group=group, person=PersonFactory(name="李白"))
    url = reverse("outreach:manage_candidates", kwargs={"slug": "spirit"})
    content = staff_client.get(url, {"batch": "1", "q": "李", "b1-persons": [str(ticked.pk), "x", "99999"]}).content
    content = content.decode()
    assert f'value="{ticked.pk}" checked' in content and f'value="{found.pk}">' in content
    assert member.person.name not in content  # already in the group
    assert content.count('type="checkbox"') == 2
    assert "李" not in staff_client.get(url, {"batch": "1", "q": ""}).content.decode()


def test_candidate_search_is_for_staff_only(client, stranger):
    group = LectureGroupFactory(slug="spirit")
    BatchFactory(group=group, number=1)
    url = reverse("outreach:manage_candidates", kwargs={"slug": "spirit"})
    assert client.get(url, {"batch": "1", "q": "x"}).status_code == 302  # to the login page
    client.force_login(stranger)
    assert client.get(url, {"batch": "1", "q": "x"}).status_code == 403


def test_second_head_is_refused_on_the_page_with_the_current_heads_name(staff_client):
    group = LectureGroupFactory(slug="spirit")
    batch = BatchFactory(group=group, number=1)
    MembershipFactory(group=group, batch=batch, role="head", person=PersonFactory(name="钱学敏"))
    other = PersonFactory(name="李四光")
    response = staff_client.post(
        manage_url(group), {"action": "members", "batch": "1", "b1-persons": [other.pk], "b1-role": "head"}
    )
    content = response.content.decode()
    assert response.status_code == 400 and "钱学敏" in content and f'value="{other.pk}" checked' in content
