import datetime
import io

import pytest
from PIL import Image

from laurel.core import demo, identity
from laurel.core.models import SiteIdentity

pytestmark = pytest.mark.django_db


def test_the_demo_sets_the_associations_identity_once_with_a_drawn_seal(client):
    for _run in range(2):
        demo.seed(stdout=io.StringIO())
    row = SiteIdentity.objects.get()
    assert row.name == "云州市科学技术协会"
    with row.seal.open("rb") as handle:
        seal = Image.open(handle)
        seal.load()
    assert seal.mode == "RGBA" and seal.getpixel((0, 0))[3] == 0  # transparent around the ring
    red = sum(1 for pixel in seal.get_flattened_data() if pixel[3] and pixel[0] > 150 and pixel[1] < 60)
    assert red > seal.width * seal.height * 0.05
    identity.forget()
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Yunzhou Association for Science and Technology" in html and "（演示）" in html


def test_the_demo_shows_every_stage_of_a_campaign_an_event_today_and_view_counts_that_move(client, settings):
    """Issue 12 item 10: after `seed_demo` a visitor finds a campaign in expert review (the demo expert's score form
    opens), one on public notice with an objection, one in its public vote, one published; an event today whose door
    check-in opens; and article views that reach the counter through the scheduled flush, no cron needed."""
    from django.core.management import call_command
    from django.utils import timezone

    from laurel import schedule
    from laurel.events.models import Event
    from laurel.honors.models import Assignment, Campaign, Objection, Stage
    from laurel.news.models import Article
    from laurel.news.tasks import flush_view_counts
    from laurel.people.models import User

    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()
    stages = set(Campaign.objects.values_list("stage", flat=True))
    assert {Stage.REVIEW, Stage.NOTICE, Stage.PUBLIC_VOTE, Stage.PUBLISHED} <= stages

    expert = User.objects.get(email="expert@laurel.demo")
    open_pairs = Assignment.objects.released().filter(
        expert=expert, review__isnull=True, nomination__campaign__stage=Stage.REVIEW
    )
    assert open_pairs.count() >= 2
    client.force_login(expert)
    reviews = client.get("/campaigns/reviews/").content.decode()
    for pair in open_pairs.select_related("nomination"):
        assert f"/campaigns/nominations/{pair.nomination.code}/review/" in reviews
    form = client.get(f"/campaigns/nominations/{open_pairs.first().nomination.code}/review/")
    assert form.status_code == 200 and 'name="comment"' in form.content.decode()

    noticed = Campaign.objects.get(stage=Stage.NOTICE)
    assert noticed.notice_starts_on <= timezone.localdate(now) <= noticed.notice_ends_on
    objection = Objection.objects.get(nomination__campaign=noticed)
    assert objection.status == Objection.Status.PENDING
    client.logout()
    notice = client.get(f"/campaigns/{noticed.code}/notice/").content.decode()
    assert objection.nomination.person.name in notice

    voting = Campaign.objects.get(stage=Stage.PUBLIC_VOTE)
    assert voting.vote_opens_at <= now < voting.vote_closes_at
    assert client.get(f"/campaigns/{voting.code}/vote/").status_code == 200
    published = Campaign.objects.filter(stage=Stage.PUBLISHED).first()
    assert client.get(f"/campaigns/{published.code}/results/").status_code == 200

    today = Event.objects.get(start_at__date=timezone.localdate(now))
    assert today.attendees.count() >= 10
    client.force_login(User.objects.get(email="staff@laurel.demo"))
    assert client.get(f"/staff/events/{today.code}/check-in/").status_code == 200
    client.logout()

    # `make demo` starts the worker and the scheduler beside the server, and the scheduler flushes views every minute.
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    demo_target = makefile.split("\ndemo:")[1].split("\n\n")[0]
    assert "manage.py worker" in demo_target and "manage.py scheduler" in demo_target
    assert [job.every for job in schedule.JOBS if job.name == "flush_view_counts"] == [datetime.timedelta(minutes=1)]
    article = Article.objects.published().order_by("pk").first()
    before = article.view_count
    browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
    assert client.get(article.get_absolute_url(), headers={"user-agent": browser}).status_code == 200
    flush_view_counts.enqueue()
    article.refresh_from_db()
    assert article.view_count == before + 1
