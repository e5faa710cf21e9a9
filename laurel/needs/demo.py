"""Demo data: 30 technical needs at every stage, experts who follow fields and regions (expert@laurel.demo among
them, with a match to give feedback on), and volunteer service records, validated and waiting.

Idempotent and deterministic: needs are found by fixed codes, random choices use a seeded generator. Statuses and
dates are written directly (this is history, not a live flow), and the audit log notes the seeding once.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from laurel.core.services import log_action
from laurel.needs.models import Interest, Need, ServiceRecord, Subscription
from laurel.outreach.models import District
from laurel.people.models import User
from laurel.people.roles import RoleKind

S = Need.Status
# (field, poster type, poster, title, problem, tried)
NEEDS = [
    ("materials", "enterprise", "云州光电科技股份有限公司", "锂电池正极材料高温循环寿命不足",
     "磷酸铁锂正极材料在45℃循环500次后容量衰减超过20%，希望改进包覆涂层工艺。", "调整过烧结温度和碳包覆比例。"),
    ("manufacturing", "enterprise", "云州港务集团", "集装箱吊具焊缝疲劳开裂",
     "岸桥吊具主梁焊缝在使用两年后出现疲劳裂纹，需要焊接工艺与检测方案。", "增加了人工探伤频次。"),
    ("agriculture", "township", "青石县石门镇人民政府", "茶叶加工能耗高、品质不稳",
     "镇里茶企杀青和烘干设备老旧，能耗高，成茶品质批次差异大。", "更换过部分电热管。"),
    ("electronics", "enterprise", "云州电网公司", "配电房传感器数据丢包",
     "配电房温湿度和局放传感器通过无线上传，雨季丢包率超过15%。", "加装过中继器。"),
    ("medicine", "enterprise", "云州生物医药有限公司", "中药提取物批间一致性差",
     "同一工艺下三七提取物有效成分含量波动大，需要过程分析与质控方法。", ""),
    ("environment", "township", "临江县江口镇人民政府", "乡镇污水处理站冬季出水不达标",
     "小型一体化污水处理设备冬季氨氮超标，需要低温运行改造方案。", "延长过曝气时间。"),
    ("chemistry", "enterprise", "云州精细化工有限公司", "催化剂失活过快",
     "加氢反应的镍基催化剂寿命只有设计值的一半，希望分析失活原因。", "降低过反应温度。"),
    ("education", "school", "云州市第一中学", "学生科技社团需要机器人竞赛指导",
     "学校机器人社团想参加省级竞赛，缺少嵌入式编程与机械设计方面的指导老师。", ""),
    ("agriculture", "township", "西山区柳塘村", "水稻稻瘟病防治",
     "近两年稻瘟病频发，村民希望得到抗病品种选择与绿色防控的技术指导。", "使用过常规农药。"),
    ("environment", "enterprise", "云州陶瓷有限公司", "窑炉余热回收利用",
     "辊道窑排烟温度约300℃，想回收余热用于干燥工序。", "做过初步测算。"),
]  # fmt: skip
# Every stage of a need's life, three of each where it makes sense (30 in all).
STAGES = [
    S.UNVERIFIED, S.UNVERIFIED, S.SUBMITTED, S.SUBMITTED, S.SUBMITTED, S.SUBMITTED, S.PUBLISHED, S.PUBLISHED,
    S.PUBLISHED, S.PUBLISHED, S.PUBLISHED, S.PUBLISHED, S.INTRODUCED, S.INTRODUCED, S.INTRODUCED, S.MET, S.MET,
    S.MET, S.CONCLUDED, S.CONCLUDED, S.CONCLUDED, S.CONCLUDED, S.CONCLUDED, S.CONCLUDED, S.EXPIRED, S.EXPIRED,
    S.REJECTED, S.REJECTED, S.WITHDRAWN, S.WITHDRAWN,
]  # fmt: skip
OUTCOMES = ["resolved", "resolved", "partly", "not", "continuing", "resolved", "partly", "resolved"]
EXPERTISE = {
    "materials": "锂电池 正极材料 涂层 复合材料", "manufacturing": "焊接 疲劳 无损检测 数控", "agriculture": "水稻 育种 病虫害 茶叶加工",
    "electronics": "传感器 物联网 无线通信", "medicine": "中药 质量控制 过程分析", "environment": "污水处理 余热回收 节能",
    "chemistry": "催化剂 精细化工 反应工程", "education": "科普 机器人 青少年科技教育",
}  # fmt: skip


def _code(index: int) -> str:
    return f"N{index:02d}NEEDDEMO"[:12]


def _experts(rng: random.Random) -> list[User]:
    experts = list(User.objects.filter(roles__kind=RoleKind.EXPERT, email__endswith="@laurel.demo").order_by("pk"))
    districts = list(District.objects.all())
    fields = list(EXPERTISE)
    for index, user in enumerate(experts):
        chosen = [fields[index % len(fields)], fields[(index * 3 + 1) % len(fields)]]
        if user.email == "expert@laurel.demo":
            chosen = ["materials", "chemistry"]
        subscription, created = Subscription.objects.get_or_create(
            user=user,
            defaults={
                "fields": sorted(set(chosen)),
                "expertise": " ".join(EXPERTISE[code] for code in chosen),
                "max_active": 3,
            },
        )
        if created and index % 3:
            subscription.regions.set(rng.sample(districts, 2))
    return experts


def seed(*, stdout) -> list:
    if not User.objects.filter(email="staff@laurel.demo").exists():
        return []
    rng = random.Random(15)
    staff = User.objects.get(email="staff@laurel.demo")
    experts = _experts(rng)
    main_expert = User.objects.get(email="expert@laurel.demo")
    districts = list(District.objects.all())
    now = timezone.now()
    created = 0
    for index, status in enumerate(STAGES):
        field, poster_type, poster, title, problem, tried = NEEDS[index % len(NEEDS)]
        posted = now - datetime.timedelta(days=330 - index * 11)
        matched = status in Need.MATCHED
        expert = None
        if matched:
            others = [user for user in experts if user != main_expert] or [main_expert]
            expert = main_expert if index in (12, 15, 18) else others[(index * 7) % len(others)]
        values = {
            "status": status,
            "poster_name": poster if index < len(NEEDS) else f"{poster}（第{index // len(NEEDS) + 1}期）",
            "poster_type": poster_type,
            "field": field,
            "title": title,
            "problem": problem,
            "tried": tried,
            "region": districts[index % len(districts)],
            "budget": rng.choice(["none", "small", "medium", "large"]),
            # An expired need's deadline has passed (the daily job took it off the board); the others lie ahead.
            "deadline": timezone.localdate()
            + datetime.timedelta(days=-index if status == S.EXPIRED else 30 + index * 5),
            "contact_name": rng.choice(["钱经理", "李主任", "王老师", "赵工", "孙科长"]),
            "contact_email": f"need{index:02d}@poster.laurel.demo",
            "contact_phone": f"0871-555{index:04d}",
            "published_at": posted + datetime.timedelta(days=2) if status in (*Need.ON_BOARD, S.EXPIRED) else None,
            "expert": expert,
            "introduced_at": posted + datetime.timedelta(days=9) if matched else None,
            "meeting_on": (posted + datetime.timedelta(days=16)).date() if status in (S.MET, S.CONCLUDED) else None,
            "meeting_notes": "双方在企业现场会面，查看了生产线并确定了测试方案。"
            if status in (S.MET, S.CONCLUDED)
            else "",
            "outcome": OUTCOMES[index % len(OUTCOMES)] if status == S.CONCLUDED else "",
            "concluded_at": posted + datetime.timedelta(days=60) if status == S.CONCLUDED else None,
            "poster_rating": rng.choice([4, 5]) if status == S.CONCLUDED else None,
            "poster_feedback": "专家非常专业，问题得到了明显改善。" if status == S.CONCLUDED else "",
            "expert_rating": 5 if status == S.CONCLUDED and index % 2 else None,
        }
        need, was_created = Need.objects.update_or_create(code=_code(index), defaults=values)
        Need.objects.filter(pk=need.pk).update(created_at=posted)  # history: posted over the last eleven months
        created += was_created
        if status == S.PUBLISHED:
            for user in experts[index % 4 : index % 4 + 2]:
                Interest.objects.get_or_create(need=need, user=user, defaults={"note": "我做过类似的项目，可以帮忙。"})
    for index in range(8):
        user = experts[index % len(experts)]
        status = ServiceRecord.Status.SUBMITTED if index % 3 == 2 else ServiceRecord.Status.VALIDATED
        ServiceRecord.objects.get_or_create(
            user=user,
            description=f"科技志愿服务（第{index + 1}次）：走进{districts[index % len(districts)].name}开展技术咨询与科普讲座",
            defaults={
                "date": timezone.localdate() - datetime.timedelta(days=20 + index * 13),
                "region": districts[index % len(districts)],
                "hours": Decimal(rng.choice(["2.5", "4", "6", "8"])),
                "people_reached": rng.randint(20, 300),
                "status": status,
                "reviewed_by": staff if status == ServiceRecord.Status.VALIDATED else None,
            },
        )
    if created:
        log_action("needs.demo.seeded", actor=staff, data={"needs": created})
    stdout.write(f"needs: {Need.objects.count()} technical needs, {Subscription.objects.count()} subscribed experts")
    return []
