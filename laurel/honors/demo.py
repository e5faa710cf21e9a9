"""Demo data: the finished 2023 "Most Beautiful Sci-tech Worker" campaign, the open 2024 one, the 2024
"Outstanding Young Sci-tech Workers" campaign in its public vote (window open now, votes of yesterday and today), and
this year's campaigns in expert review and in public notice (`demo_live.py`).

Builds on the people demo (units, sci-tech workers, the staff/nominator/expert users). Idempotent: an
existing campaign of the same series and edition is left as it is. Names are invented.
"""

import datetime
import io
import random

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from laurel.honors import committee, demo_live, demo_public, mentions, ranking, votes
from laurel.honors.campaigns import copy_campaign, set_quota
from laurel.honors.models import (
    Assignment,
    Campaign,
    CommitteeDecision,
    Criterion,
    CriterionScore,
    EligibilityRule,
    Nomination,
    PanelMember,
    RepresentationRule,
    Review,
    Stage,
    Trait,
    VettingBody,
    VettingResult,
    Vote,
)
from laurel.honors.publication import make_honorees_public
from laurel.people.demo import FIELDS, Login, demo_user
from laurel.people.models import DeclaredUnit, Organization, Person, Role, User
from laurel.people.roles import RoleKind

SERIES = "most-beautiful"
YOUNG_SERIES = "young-sci-tech"
FIELDS_EN = dict(FIELDS)
CRITERIA = [("先进事迹", 40), ("创新成果", 30), ("社会影响", 20), ("代表性", 10)]
CATEGORIES = [Nomination.Category.FRONT_LINE, Nomination.Category.RESEARCH, Nomination.Category.ENTERPRISE,
              Nomination.Category.YOUNG, Nomination.Category.GRASSROOTS]  # fmt: skip
ROLES = [("攻坚者", "trailblazer"), ("守护者", "guardian"), ("开拓者", "pioneer"), ("引路人", "mentor")]
VETTING_BODIES = [
    ("云州市纪委监委", "Yunzhou Commission for Discipline Inspection and Supervision"),
    ("中共云州市委组织部", "Organisation Department of the CPC Yunzhou Committee"),
    ("云州市公安局", "Yunzhou Public Security Bureau"),
    ("国家税务总局云州市税务局", "Yunzhou Tax Service, State Taxation Administration"),
]
EXPERT_NAMES = ["许岚", "曹睿", "彭远", "曾思", "肖博", "田航", "董欣", "梁晨", "谢文", "宋嘉", "唐志"]


PROFILES = [
    ("材料科学,光电子", "新材料,半导体", "先进材料与光电器件。", "云州市", True),
    ("临床医学,公共卫生", "疾病防控,基层医疗", "临床诊疗与公共卫生体系。", "东城区", True),
    ("作物育种,农业机械", "良种,农技推广", "作物遗传育种与农业机械化。", "西山县", True),
    ("人工智能,计算机科学", "机器学习,大数据", "智能算法与软件。", "云州市", True),
    ("新能源汽车,电力系统", "动力电池,电网", "新能源与电力系统。", "南湖区", False),
    ("水利工程,港口工程", "防洪,港航", "水利与港口工程。", "东城区", False),
    ("环境科学,气象科学", "生态保护,气候", "生态环境监测与气象。", "西山县", False),
    ("中医药,生物医药", "中药研发,新药", "中医药与生物医药。", "南湖区", False),
    ("智能制造,新能源汽车", "工业机器人,数字化车间", "制造业数字化。", "云州市", False),
    ("科学教育,公共卫生", "科普,健康教育", "科学普及与科学教育。", "东城区", False),
    ("光电子,智能制造", "激光,精密加工", "光电子器件与精密制造。", "南湖区", False),
    ("生物医药,临床医学", "医疗器械,临床试验", "生物医药与临床研究。", "西山县", False),
]  # (fields, keywords, expertise, region, senior) for the 12 demo experts, in order


def _profiles(campaign: Campaign, experts: list[User]) -> None:
    """Fill the panel's expert profiles (fields match the demo sci-tech workers' fields)."""
    for expert, (fields, keywords, expertise, region, senior) in zip(experts, PROFILES, strict=True):
        PanelMember.objects.filter(campaign=campaign, expert=expert, fields="").update(
            fields=fields, keywords=keywords, expertise=expertise, region=region, senior=senior
        )


def _aware(year, month, day, hour=18):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def _experts() -> list[User]:
    experts = [User.objects.get(email="expert@laurel.demo")]
    for number, name in enumerate(EXPERT_NAMES, start=2):
        user = demo_user(f"expert{number}@laurel.demo", name)
        Role.objects.get_or_create(user=user, kind=RoleKind.EXPERT)
        if name != EXPERT_NAMES[-1]:
            # The last demo expert has declared nothing yet: signing in, they are asked for their unit first.
            DeclaredUnit.objects.get_or_create(user=user, defaults={"organization": None})
        experts.append(user)
    return experts


def _setup_2023(staff) -> Campaign:
    campaign = Campaign.objects.create(
        series=SERIES, name="2023年云州市“最美科技工作者”", name_en="Yunzhou 2023 Most Beautiful Sci-tech Workers",
        edition=2023, level=Campaign.Level.CITY,
        organizers="云州市科学技术协会\n云州市委宣传部", honorees_count=20, honorable_mentions_count=5,
        default_quota=2, blind_review=True, experts_per_nomination=5, expert_load_cap=30,
        ranking_method=Campaign.RankingMethod.ZSCORE, nomination_opens_at=_aware(2023, 3, 20),
        nomination_deadline=_aware(2023, 4, 14), review_deadline=_aware(2023, 4, 28),
        holidays=["2023-05-01", "2023-05-02", "2023-05-03"], makeup_workdays=["2023-05-06"],
        notice_starts_on=datetime.date(2023, 5, 8), notice_ends_on=datetime.date(2023, 5, 12),
        stage=Stage.COMMITTEE,
    )  # fmt: skip
    EligibilityRule.objects.create(
        campaign=campaign, born_on_or_after=datetime.date(1963, 1, 1), min_years_in_city=3,
        excluded_titles="全国最美科技工作者",
    )  # fmt: skip
    for order, (name, weight) in enumerate(CRITERIA):
        Criterion.objects.create(campaign=campaign, name=name, weight=weight, order=order)
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="share", value=50)
    # Group rules: one honoree at most from each unit, and every district and county on the list.
    RepresentationRule.objects.create(campaign=campaign, per="unit", bound="max", measure="count", value=1)
    RepresentationRule.objects.create(campaign=campaign, per="region", bound="min", measure="count", value=1)
    for order, (name, name_en) in enumerate(VETTING_BODIES):
        VettingBody.objects.create(campaign=campaign, name=name, name_en=name_en, order=order)
    RepresentationRule.objects.create(
        campaign=campaign, trait=Trait.YOUNG, bound="min", measure="share", value=20, hard=False
    )
    RepresentationRule.objects.create(
        campaign=campaign, trait=Trait.ACADEMICIAN, scope="nominees", bound="max", measure="share", value=10, hard=False
    )
    return campaign


def _citations(field: str, role: tuple[str, str]) -> dict[str, str]:
    """The honoree's citation in Chinese and English, e.g. 材料科学领域的开拓者 / A pioneer of materials science."""
    field_en = FIELDS_EN.get(field, field)
    field_en = field_en[0].lower() + field_en[1:] if field_en else field_en
    return {"citation": f"{field}领域的{role[0]}", "citation_en": f"A {role[1]} of {field_en}"}


def _nominate_2023(campaign: Campaign, rng: random.Random, nominators: dict[int, User]) -> list[Nomination]:
    made = []
    for unit in Organization.objects.order_by("code"):
        for person in Person.objects.filter(organization=unit).order_by("code")[:2]:
            made.append(
                Nomination.objects.create(
                    campaign=campaign, unit=unit, person=person, nominated_by=nominators[unit.pk],
                    category=rng.choice(CATEGORIES), consent=True, years_in_city=rng.randint(5, 30),
                    status=Nomination.Status.ELIGIBLE, submitted_at=_aware(2023, 4, rng.randint(3, 13)),
                    story=f"{person.name}长期从事{person.field}工作，{rng.choice(['扎根一线', '潜心科研', '服务基层'])}"
                    f"{rng.randint(10, 30)}年，{rng.choice(['攻克多项关键技术难题', '带领团队取得系列成果', '推广新技术惠及群众'])}。",
                    **_citations(person.field, rng.choice(ROLES)),
                )
            )  # fmt: skip
    return made


def _review(campaign: Campaign, made: list[Nomination], experts: list[User], rng: random.Random, submitted_at) -> None:
    criteria = list(campaign.criteria.all())
    weight_total = sum(criterion.weight for criterion in criteria)
    bias = {expert.pk: rng.gauss(0, 6) for expert in experts}
    for expert in experts:
        PanelMember.objects.create(campaign=campaign, expert=expert)
    for index, nomination in enumerate(made):
        quality = rng.gauss(76, 8)
        for offset in range(campaign.experts_per_nomination):
            expert = experts[(index + offset * 2) % len(experts)]
            assignment = Assignment.objects.create(nomination=nomination, expert=expert, round=1)
            values = [max(0, min(100, round(quality + bias[expert.pk] + rng.gauss(0, 4)))) for _criterion in criteria]
            total = sum(c.weight * value for c, value in zip(criteria, values, strict=True)) / weight_total
            review = Review.objects.create(
                assignment=assignment, total=round(total, 4), comment="材料翔实。", submitted_at=submitted_at
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(review=review, criterion=c, value=value)
                for c, value in zip(criteria, values, strict=True)
            )


def _vetting_2023(campaign: Campaign, honorees: list[Nomination], staff) -> None:
    """Every body cleared every honoree by letter in the first days of May 2023, before the public notice."""
    VettingResult.objects.bulk_create(
        VettingResult(
            nomination=nomination, body=body, outcome=VettingResult.Outcome.CLEARED,
            letter_date=datetime.date(2023, 5, 4 + body.order % 2), recorded_by=staff,
            recorded_at=_aware(2023, 5, 6, 10),
        )
        for nomination in honorees
        for body in campaign.vetting_bodies.all()
    )  # fmt: skip


def _campaign_2023(staff, experts, nominators) -> Campaign:
    rng = random.Random(2023)
    campaign = _setup_2023(staff)
    made = _nominate_2023(campaign, rng, nominators)
    # An amendment after nominations closed: a unit's quota raised, with the reason, logged before and after.
    set_quota(
        campaign,
        unit=made[0].unit,
        quota=3,
        actor=staff,
        amendment_reason="该单位为市重点实验室依托单位，经研究增加一个名额",
    )
    _review(campaign, made, experts, rng, _aware(2023, 4, 25))
    ranking.recompute_ranking(campaign, actor=staff)
    proposal = committee.propose(campaign)
    Nomination.objects.filter(pk__in=[nomination.pk for nomination in proposal.chosen]).update(
        status=Nomination.Status.SELECTED
    )
    committee.record_decision(campaign, kind=CommitteeDecision.Kind.ACCEPTED, actor=staff)
    # The committee's honorable mentions (提名奖), chosen after the honorees: the best ranked of the others.
    campaign.refresh_from_db()
    for nomination in mentions.candidates(campaign).order_by("rank", "pk")[: campaign.honorable_mentions_count]:
        mentions.choose_mention(nomination, actor=staff)
    _vetting_2023(campaign, proposal.chosen, staff)
    Campaign.objects.filter(pk=campaign.pk).update(
        stage=Stage.PUBLISHED, stage_changed_at=_aware(2023, 5, 29, 10), published_at=_aware(2023, 5, 29, 10)
    )
    campaign.refresh_from_db()
    return campaign


def _campaign_2024(source: Campaign, staff, experts, nominators) -> Campaign:
    campaign = copy_campaign(
        source, actor=staff, edition=2024, nomination_deadline=timezone.now() + datetime.timedelta(days=45)
    )
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.OPEN, stage_changed_at=timezone.now())
    campaign.refresh_from_db()
    for expert in experts:
        PanelMember.objects.get_or_create(campaign=campaign, expert=expert)
    honored = set(source.nominations.selected().values_list("person_id", flat=True))
    for unit in Organization.objects.order_by("code")[1:7]:
        person = Person.objects.filter(organization=unit).exclude(pk__in=honored).order_by("-code").first()
        Nomination.objects.create(
            campaign=campaign, unit=unit, person=person, nominated_by=nominators[unit.pk],
            category=Nomination.Category.FRONT_LINE if person.is_front_line else Nomination.Category.RESEARCH,
            consent=True, years_in_city=8, status=Nomination.Status.SUBMITTED, submitted_at=timezone.now(),
            story=f"{person.name}在{person.field}领域默默耕耘，成果服务云州发展。",
        )  # fmt: skip
    return campaign


def _id_photo(name: str, rng: random.Random) -> ContentFile:
    """A 2-inch ID photo on a red background: a plain silhouette (the demo has no real faces)."""
    image = Image.new("RGB", (295, 413), (200, 30, 35))
    draw = ImageDraw.Draw(image)
    tone = rng.choice([(236, 204, 180), (222, 186, 160), (245, 218, 196)])
    draw.ellipse((97, 80, 198, 200), fill=tone)
    draw.ellipse((40, 230, 255, 470), fill=rng.choice([(30, 40, 60), (60, 60, 70), (20, 60, 90)]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")


def _young_setup(now) -> Campaign:
    opens = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    campaign = Campaign.objects.create(
        series=YOUNG_SERIES, name="2024年云州市优秀青年科技工作者",
        name_en="Yunzhou 2024 Outstanding Young Sci-tech Workers", edition=2024, level=Campaign.Level.CITY,
        organizers="云州市科学技术协会\n共青团云州市委员会", honorees_count=5, default_quota=2,
        experts_per_nomination=3, expert_load_cap=30, ranking_method=Campaign.RankingMethod.ZSCORE,
        public_vote=True, public_vote_weight=30, votes_per_candidate_per_day=1, candidates_per_day=10,
        nomination_opens_at=now - datetime.timedelta(days=60), nomination_deadline=now - datetime.timedelta(days=40),
        review_deadline=now - datetime.timedelta(days=5), vote_opens_at=opens,
        vote_closes_at=opens + datetime.timedelta(days=6, hours=9), stage=Stage.PUBLIC_VOTE, stage_changed_at=opens,
    )  # fmt: skip
    EligibilityRule.objects.create(campaign=campaign, born_on_or_after=datetime.date(1984, 1, 1), min_years_in_city=2)
    for order, (name, weight) in enumerate(CRITERIA):
        Criterion.objects.create(campaign=campaign, name=name, weight=weight, order=order)
    RepresentationRule.objects.create(
        campaign=campaign, trait=Trait.FEMALE, bound="min", measure="share", value=30, hard=False
    )
    return campaign


def _young_votes(campaign: Campaign, made: list[Nomination], rng: random.Random, now) -> None:
    """Votes of yesterday and today by 60 invented accounts (no password), 8 of them from one address."""
    voters = []
    for number in range(1, 61):
        user, created = User.objects.get_or_create(
            email=f"voter{number:02d}@example.invalid", defaults={"full_name": f"Voter {number:02d}"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        voters.append(user)
    today = timezone.localdate(now)
    popularity = [rng.random() ** 2 + 0.05 for _nomination in made]
    rows = []
    for index, voter in enumerate(voters):
        address = "203.0.113.7" if index >= 52 else f"198.51.100.{index + 1}"
        for day in (today - datetime.timedelta(days=1), today):
            if day == today and index % 3 == 0:
                continue
            count = 4 if index >= 52 else rng.randint(1, 6)
            chosen = {made[0]} if index >= 52 else set(rng.choices(made, weights=popularity, k=count))
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10 + index % 8, index % 60)))
            for nomination in chosen:
                rows.append(
                    Vote(
                        campaign=campaign, nomination=nomination, voter=voter, day=day, cast_at=min(moment, now),
                        address_hash=votes.address_hash(address),
                    )
                )  # fmt: skip
    Vote.objects.bulk_create(rows)
    for nomination in made:
        Nomination.objects.filter(pk=nomination.pk).update(public_votes=nomination.votes.counted().count())


def _campaign_young(staff, experts: list[User], nominators) -> Campaign:
    """Reviewed by six experts, now in its public vote: the window opened yesterday at 9:00 and runs six days."""
    rng = random.Random(2024)
    now = timezone.now()
    campaign = _young_setup(now)
    made = []
    young = Person.objects.filter(date_of_birth__gte=datetime.date(1984, 1, 1)).order_by("code")
    for unit in Organization.objects.order_by("code")[:12]:
        person = young.filter(organization=unit).first()
        if person is None:
            continue
        made.append(
            Nomination.objects.create(
                campaign=campaign, unit=unit, person=person, nominated_by=nominators[unit.pk],
                category=Nomination.Category.YOUNG, consent=True, years_in_city=rng.randint(3, 12),
                status=Nomination.Status.ELIGIBLE, submitted_at=now - datetime.timedelta(days=42),
                story=f"{person.name}是{unit.name}的青年科技工作者，在{person.field}领域"
                f"{rng.choice(['勇挑重担', '潜心攻关', '扎根基层'])}，{rng.choice(['主持多项科研项目', '带领青年团队攻克难题', '科普服务惠及万人'])}。",
                id_photo=_id_photo(person.code, rng), **_citations(person.field, rng.choice(ROLES)),
            )
        )  # fmt: skip
    _review(campaign, made, experts, rng, now - datetime.timedelta(days=6))
    _young_votes(campaign, made, rng, now)
    ranking.recompute_ranking(campaign, actor=staff)
    return campaign


def seed(*, stdout) -> list[Login]:
    staff = User.objects.get(email="staff@laurel.demo")
    experts = _experts()
    main_nominator = User.objects.get(email="nominator@laurel.demo")
    nominators = {
        unit.pk: (main_nominator if main_nominator.has_role(RoleKind.NOMINATOR, unit) else staff)
        for unit in Organization.objects.all()
    }
    campaign_2023 = Campaign.objects.filter(series=SERIES, edition=2023).first()
    if campaign_2023 is None:
        campaign_2023 = _campaign_2023(staff, experts, nominators)
    make_honorees_public(campaign_2023, actor=staff)
    if not Campaign.objects.filter(series=SERIES, edition=2024).exists():
        _campaign_2024(campaign_2023, staff, experts, nominators)
    if not Campaign.objects.filter(series=YOUNG_SERIES, edition=2024).exists():
        _campaign_young(staff, experts[:6], nominators)
    demo_live.seed_live(staff=staff, experts=experts, nominators=nominators)
    for campaign in Campaign.objects.filter(
        series__in=(SERIES, YOUNG_SERIES, demo_live.REVIEW_SERIES, demo_live.NOTICE_SERIES)
    ):
        _profiles(campaign, experts)
    voter = demo_user("voter@laurel.demo", "Public voter")
    demo_public.seed(staff=staff)
    demo_public.seed_honoree_photos(draw=_id_photo)
    stdout.write(
        f"honors: {Campaign.objects.count()} campaigns, {Nomination.objects.count()} nominations, "
        f"{Review.objects.count()} reviews, {Vote.objects.count()} public votes"
    )
    return [
        Login("experts 2-12", "expert2@laurel.demo … expert12@laurel.demo", "the 2023 review panel"),
        Login("public voter", voter.email, "votes in the 2024 young sci-tech workers' public vote"),
    ]
