"""Demo data: a finished three-round consultation with its report, delivery and a leader's instruction, and an open
one in round 2 on which expert@laurel.demo serves. Builds on the people and honors demos (units, sci-tech workers,
expert accounts with profiles). Idempotent: consultations are found by fixed codes; random choices are seeded."""

import datetime
import random

from django.utils import timezone

from laurel.consultations import delphi, panel, report, services
from laurel.consultations.models import Consultation, Openness, Rating, Response, Seat
from laurel.honors.demo import EXPERT_NAMES
from laurel.people.demo import Login, demo_user
from laurel.people.models import Organization, Person, Role, User
from laurel.people.roles import RoleKind

FINISHED = "CQDEMOFLOOD"
OPEN = "CQDEMOTRANS"
FLOOD_STATEMENTS = [
    "在中心城区新建和改造排水管网，提高排水标准",
    "建设海绵城市设施，增加雨水下渗和滞留",
    "建立分钟级内涝预警和信息发布系统",
    "把易涝点改造纳入城市更新项目",
    "完善地下空间防倒灌设施和应急预案",
    "建立气象、水务、交通部门的联合调度机制",
    "提高新建小区竖向设计标准",
    "开展社区防汛演练和公众科普",
]
TRANSFER_STATEMENTS = [
    "设立市级科技成果转化引导基金",
    "允许科研人员以成果作价入股并获得更高比例收益",
    "在高校院所设立专业化技术转移机构",
    "建设概念验证中心和中试平台",
    "把成果转化绩效纳入职称评审",
    "建立企业技术需求与专家库的常态化对接机制",
]


def _experts_with_people() -> list[Person]:
    """The demo experts, each linked to a sci-tech worker (chosen once, by field, outside government bodies)."""
    for number, name in enumerate(EXPERT_NAMES, start=2):  # the honors demo's experts, whether or not it ran
        user = demo_user(f"expert{number}@laurel.demo", name)
        Role.objects.get_or_create(user=user, kind=RoleKind.EXPERT)
    experts = list(User.objects.filter(roles__kind=RoleKind.EXPERT, email__endswith="@laurel.demo").order_by("pk"))
    people = []
    for index, user in enumerate(experts):
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = (
                Person.objects.filter(user=None)
                .exclude(organization__kind=Organization.Kind.GOVERNMENT)
                .order_by("code")[index * 7 : index * 7 + 1]
                .first()
            )
            if person is None:
                continue
            Person.objects.filter(pk=person.pk).update(user=user, email=user.email)
            person.user = user
        people.append(person)
    return people


def _seat_panel(consultation, people, staff, size, rng, *, keep=None):
    chosen = []
    for suggestion in panel.suggest(consultation, limit=size):
        chosen.append(panel.invite(consultation, person=suggestion.person, actor=staff, suggestion=suggestion))
    if keep is not None and keep.pk not in {seat.person_id for seat in chosen}:
        chosen.append(panel.invite(consultation, person=keep, actor=staff))
    for index, seat in enumerate(chosen):
        if index == 2 and seat.person != keep:  # one expert declines: the next suggestion is invited
            replacement = panel.decline_seat(seat, actor=seat.user, interest="")
            if replacement is not None:
                panel.accept_seat(replacement, actor=replacement.user, pledge=True, may_be_named=rng.random() < 0.5)
            continue
        panel.accept_seat(seat, actor=seat.user, pledge=True, may_be_named=rng.random() < 0.6)
    return list(consultation.seats.filter(status=Seat.Status.ACCEPTED).order_by("pk"))


def _rate_round(delphi_round, seats, statements, targets, spread, rng):
    comments = ["需要明确牵头部门", "投入大，建议分期实施", "已有试点经验，可推广", "效果取决于执行", ""]
    for seat in seats:
        for statement, target in zip(statements, targets, strict=True):
            value = max(1, min(9, round(target + rng.gauss(0, spread))))
            delphi.rate(
                seat,
                delphi_round=delphi_round,
                statement=statement,
                importance=value,
                feasibility=max(1, min(9, value - rng.choice((0, 1, 2)))),
                comment=rng.choice(comments) if rng.random() < 0.3 else "",
                actor=seat.user,
            )


def _finished(staff, people, rng) -> None:
    body = Organization.objects.get(name="云州市气象局")
    consultation = services.create_consultation(
        actor=staff,
        data={
            "asking_body": body, "title": "极端降雨下城市内涝防治的优先措施",
            "question": "面对日益频繁的极端降雨，云州市未来五年应优先采取哪些措施降低中心城区内涝风险？",
            "background": "2025年汛期，中心城区出现多处严重积水，地下车库进水，交通中断数小时。",
            "expertise_wanted": "水利工程 气象科学 环境科学 城市规划 公共卫生",
            "deadline": timezone.localdate() + datetime.timedelta(days=20), "openness": Openness.PUBLIC,
            "contact_name": "赵科长", "contact_email": "zhao@weather.example.org", "contact_phone": "0871-5551234",
        },
    )  # fmt: skip
    Consultation.objects.filter(pk=consultation.pk).update(code=FINISHED)
    consultation.code = FINISHED
    statements = [delphi.add_statement(consultation, text=text, actor=staff) for text in FLOOD_STATEMENTS]
    seats = _seat_panel(consultation, people, staff, 10, rng)
    targets = [8, 7.5, 8.5, 7, 7.5, 8, 5, 6]
    delphi_round = delphi.open_round(consultation, deadline=timezone.now() + datetime.timedelta(days=7), actor=staff)
    for spread in (2.0, 1.2, 0.6):
        _rate_round(delphi_round, seats, statements, targets, spread, rng)
        delphi_round = delphi.close_round(
            delphi_round, actor=staff, next_deadline=timezone.now() + datetime.timedelta(days=7)
        )
        if delphi_round is None:
            break
    consultation.refresh_from_db()
    # Staff picked one comment per statement (the first said) for the report, as the staff page lets them.
    picked = {}
    for statement_id, pk in (
        Rating.objects.filter(round=report.final_round(consultation)).exclude(comment="").order_by("pk")
        .values_list("statement", "pk")
    ):  # fmt: skip
        picked.setdefault(statement_id, pk)
    report.pick_comments(consultation, rating_pks=list(picked.values()), actor=staff)
    report.render_report(consultation, actor=staff)
    today = timezone.localdate()
    services.record_delivery(consultation, delivered_on=today, recipient="赵科长", channel="专人送达", actor=staff)
    services.record_response(
        consultation,
        kind=Response.Kind.INSTRUCTION,
        responded_on=today,
        text="请市水务局、气象局会同有关部门研究落实预警系统和联合调度机制建议。",
        actor=staff,
    )


def _open(staff, people, rng) -> None:
    body = Organization.objects.get(name="云州市科学技术局")
    consultation = services.create_consultation(
        actor=staff,
        data={
            "asking_body": body, "title": "促进科技成果转化的政策措施",
            "question": "为提高高校院所科技成果在本地转化的比例，云州市应出台哪些政策措施？",
            "background": "近三年本市高校院所专利转让许可数量增长缓慢，多数成果在外地转化。",
            "expertise_wanted": "材料科学 人工智能 智能制造 生物医药 科技成果转化",
            "deadline": timezone.localdate() + datetime.timedelta(days=45), "openness": Openness.INTERNAL,
            "contact_name": "钱处长", "contact_email": "qian@kjj.example.org", "contact_phone": "",
        },
    )  # fmt: skip
    Consultation.objects.filter(pk=consultation.pk).update(code=OPEN)
    consultation.code = OPEN
    statements = [delphi.add_statement(consultation, text=text, actor=staff) for text in TRANSFER_STATEMENTS]
    demo_expert = next(person for person in people if person.user.email == "expert@laurel.demo")
    seats = _seat_panel(consultation, people, staff, 8, rng, keep=demo_expert)
    first = delphi.open_round(consultation, deadline=timezone.now() + datetime.timedelta(days=3), actor=staff)
    _rate_round(first, seats, statements, [7.5, 6, 7, 8, 5, 7], 1.8, rng)
    delphi.close_round(first, actor=staff, next_deadline=timezone.now() + datetime.timedelta(days=7))


def seed(*, stdout) -> list[Login]:
    if Consultation.objects.filter(code__in=[FINISHED, OPEN]).count() == 2:
        stdout.write("consultations: already seeded")
        return []
    rng = random.Random(2025)
    staff = User.objects.get(email="staff@laurel.demo")
    people = _experts_with_people()
    if not Consultation.objects.filter(code=FINISHED).exists():
        _finished(staff, people, rng)
    if not Consultation.objects.filter(code=OPEN).exists():
        _open(staff, people, rng)
    stdout.write(f"consultations: {Consultation.objects.count()} (one finished with its report, one in round 2)")
    return [Login("expert (consultation)", "expert@laurel.demo", "serves on a consultation in round 2")]
