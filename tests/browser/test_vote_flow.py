import pytest
from playwright.sync_api import expect

from laurel.honors.models import Nomination, Vote
from tests.conftest import login
from tests.factories.honors import vote_campaign
from tests.factories.people import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card(page, nomination):
    return page.locator(f"#candidate-{nomination.code}")


def test_a_voter_votes_for_two_candidates_and_a_second_vote_for_one_is_refused(page):
    campaign, (first, second, third) = vote_campaign()
    voter = UserFactory(email="voter@example.org")
    url = f"/campaigns/{campaign.code}/vote/"
    page.goto(url)
    expect(page.locator("[data-testid=counts-hidden]")).to_contain_text("投票结束前不公布票数")
    login(page, voter)
    earlier = page.context.new_page()  # the same page left open in a second tab
    earlier.goto(url)
    page.goto(url)
    card(page, first).get_by_role("button", name="投票").click()
    expect(card(page, first).locator("[data-testid=vote-message]")).to_have_text("您为候选人1投的票已记录。")
    expect(card(page, first).locator("[data-testid=voted]")).to_have_text("✓ 您今天已为候选人1投票。")
    card(page, second).get_by_role("button", name="投票").click()
    expect(card(page, second).locator("[data-testid=vote-message]")).to_have_text("您为候选人2投的票已记录。")
    expect(page.locator("[data-testid=vote-summary]")).to_have_text("今天您已为2位候选人投票，每天最多10位。")

    card(earlier, first).get_by_role("button", name="投票").click()
    expect(card(earlier, first).locator("[data-testid=vote-message]")).to_have_text(
        "今天对候选人1的投票次数已用完，明天可以再投。"
    )
    assert sorted(Vote.objects.values_list("nomination__person__name", flat=True)) == ["候选人1", "候选人2"]
    assert list(Nomination.objects.order_by("pk").values_list("public_votes", flat=True)) == [1, 1, 0]

    page.click(".language-switcher button[value=en]")
    expect(card(page, third)).to_contain_text("Citation of candidate 3")
    expect(page.locator("[data-testid=vote-rules]")).to_contain_text(
        "Each account may vote for at most 10 candidates a day. It may give the same candidate 1 vote a day."
    )
    card(page, third).get_by_role("button", name="Vote").click()
    expect(card(page, third).locator("[data-testid=vote-message]")).to_have_text("Your vote for 候选人3 is recorded.")
    expect(page.locator("[data-testid=vote-summary]")).to_have_text(
        "Today you have voted for 3 of at most 10 candidates."
    )
    assert Vote.objects.count() == 3
