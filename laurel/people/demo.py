"""Demo data: a fictional city association, 30 units, 300 sci-tech workers and one user per persona.

All names are invented. The city, Yunzhou (云州), is fictional.
"""

import datetime
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress

from laurel.core.codes import ALPHABET
from laurel.people.models import DeclaredUnit, Organization, Person, Role, User
from laurel.people.roles import RoleKind

DEMO_PASSWORD = "Laurel-demo-2026"
ASSOCIATION = ("云州市科学技术协会", "Yunzhou Association for Science and Technology")
DISTRICTS = [
    ("东湖区", "Donghu District"), ("西山区", "Xishan District"), ("南港区", "Nangang District"),
    ("北塘区", "Beitang District"), ("新城区", "Xincheng District"), ("高新区", "High-tech Zone"),
    ("临江县", "Linjiang County"), ("青石县", "Qingshi County"),
]  # fmt: skip

UNITS = [
    ("云州大学", "Yunzhou University", "university", 0),
    ("云州理工大学", "Yunzhou University of Technology", "university", 5),
    ("云州医科大学", "Yunzhou Medical University", "university", 1),
    ("云州师范学院", "Yunzhou Normal College", "university", 4),
    ("云州农业科学院", "Yunzhou Academy of Agricultural Sciences", "institute", 6),
    ("云州市材料研究所", "Yunzhou Institute of Materials", "institute", 5),
    ("云州市水利科学研究院", "Yunzhou Institute of Water Resources", "institute", 2),
    ("云州市环境监测中心", "Yunzhou Environmental Monitoring Centre", "institute", 3),
    ("云州市第一人民医院", "Yunzhou First People's Hospital", "hospital", 0),
    ("云州市中医院", "Yunzhou Hospital of Traditional Chinese Medicine", "hospital", 1),
    ("云州市妇幼保健院", "Yunzhou Maternal and Child Health Hospital", "hospital", 4),
    ("云州市疾病预防控制中心", "Yunzhou Center for Disease Control", "hospital", 3),
    ("云州新能源汽车有限公司", "Yunzhou New Energy Vehicles Co., Ltd.", "enterprise", 5),
    ("云州光电科技股份有限公司", "Yunzhou Optoelectronics Co., Ltd.", "enterprise", 5),
    ("云州智能装备集团", "Yunzhou Intelligent Equipment Group", "enterprise", 2),
    ("云州生物医药有限公司", "Yunzhou Biopharma Co., Ltd.", "enterprise", 5),
    ("云州电网公司", "Yunzhou Power Grid Company", "enterprise", 3),
    ("云州港务集团", "Yunzhou Port Group", "enterprise", 2),
    ("云州市农机推广站", "Yunzhou Agricultural Machinery Extension Station", "institute", 7),
    ("云州市机械工程学会", "Yunzhou Society of Mechanical Engineering", "society", 0),
    ("云州市医学会", "Yunzhou Medical Association", "society", 1),
    ("云州市计算机学会", "Yunzhou Computer Society", "society", 5),
    ("东湖区科学技术协会", "Donghu District Association for Science and Technology", "district_association", 0),
    ("西山区科学技术协会", "Xishan District Association for Science and Technology", "district_association", 1),
    ("南港区科学技术协会", "Nangang District Association for Science and Technology", "district_association", 2),
    ("临江县科学技术协会", "Linjiang County Association for Science and Technology", "district_association", 6),
    ("云州市科学技术局", "Yunzhou Science and Technology Bureau", "government", 4),
    ("云州市第一中学", "Yunzhou No. 1 Middle School", "school", 0),
    ("云州大学附属医院", "Yunzhou University Affiliated Hospital", "hospital", 0),
    ("云州市气象局", "Yunzhou Meteorological Bureau", "government", 4),
]
PARENTS = {"云州大学附属医院": "云州大学"}

SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("黄", "Huang"),
    ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"),
    ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao"), ("郑", "Zheng"),
    ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"), ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"),
    ("邓", "Deng"), ("曹", "Cao"), ("彭", "Peng"), ("曾", "Zeng"), ("肖", "Xiao"), ("田", "Tian"), ("董", "Dong"),
]  # fmt: skip
GIVEN = [
    ("建", "jian"), ("华", "hua"), ("明", "ming"), ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("静", "jing"),
    ("敏", "min"), ("磊", "lei"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"),
    ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("桂", "gui"), ("文", "wen"),
    ("晨", "chen"), ("宇", "yu"), ("欣", "xin"), ("博", "bo"), ("思", "si"), ("远", "yuan"), ("志", "zhi"),
    ("海", "hai"), ("清", "qing"), ("雪", "xue"), ("岚", "lan"), ("嘉", "jia"), ("睿", "rui"), ("航", "hang"),
]  # fmt: skip
FIELDS = [
    ("材料科学", "Materials science"), ("临床医学", "Clinical medicine"), ("作物育种", "Crop breeding"),
    ("人工智能", "Artificial intelligence"), ("新能源汽车", "New energy vehicles"), ("水利工程", "Hydraulic engineering"),
    ("环境科学", "Environmental science"), ("中医药", "Traditional Chinese medicine"), ("公共卫生", "Public health"),
    ("智能制造", "Intelligent manufacturing"), ("光电子", "Optoelectronics"), ("生物医药", "Biomedicine"),
    ("电力系统", "Power systems"), ("港口工程", "Port engineering"), ("农业机械", "Agricultural machinery"),
    ("气象科学", "Meteorology"), ("科学教育", "Science education"), ("计算机科学", "Computer science"),
]  # fmt: skip
POSITIONS = [
    "主任医师", "教授", "研究员", "高级工程师", "工程师", "副教授", "技术员", "总工程师", "副研究员", "农艺师",
    "主治医师", "讲师", "首席技师", "高级农艺师",
]  # fmt: skip
# English pages show these in place of the Chinese (`Person.position_and_title_in`).
POSITIONS_EN = {
    "主任医师": "Chief Physician", "教授": "Professor", "研究员": "Research Fellow",
    "高级工程师": "Senior Engineer", "工程师": "Engineer", "副教授": "Associate Professor", "技术员": "Technician",
    "总工程师": "Chief Engineer", "副研究员": "Associate Research Fellow", "农艺师": "Agronomist",
    "主治医师": "Attending Physician", "讲师": "Lecturer", "首席技师": "Chief Technician",
    "高级农艺师": "Senior Agronomist",
}  # fmt: skip


@dataclass
class Login:
    persona: str
    email: str
    note: str


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(8))


def demo_user(email: str, full_name: str, *, is_superuser: bool = False, language: str = "zh-hans") -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": full_name, "is_superuser": is_superuser, "is_staff": is_superuser, "language": language},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed(*, stdout) -> list[Login]:
    rng = random.Random(2023)
    units = {}
    for index, (name, name_en, kind, district) in enumerate(UNITS):
        unit, _created = Organization.objects.update_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "kind": kind,
                "region": DISTRICTS[district][0],
                "code": f"U{ALPHABET[index // 31]}{ALPHABET[index % 31]}DEMO",
            },
        )
        units[name] = unit
    for child, parent in PARENTS.items():
        Organization.objects.filter(pk=units[child].pk).update(parent=units[parent])
    unit_list = list(units.values())
    today = datetime.date(2026, 1, 1)
    for index in range(300):
        surname, surname_en = rng.choice(SURNAMES)
        given = [rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))]
        name = surname + "".join(char for char, _p in given)
        name_en = f"{''.join(p for _c, p in given).capitalize()} {surname_en}"
        field, _field_en = rng.choice(FIELDS)
        unit = unit_list[index % len(unit_list)]
        birth = today - datetime.timedelta(days=rng.randint(24 * 365, 64 * 365))
        code = _code(rng)
        gender, position = rng.choice(("female", "male")), rng.choice(POSITIONS)  # drawn in the demo's old order
        Person.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "name_en": name_en, "gender": gender, "date_of_birth": birth,
                "organization": unit, "position": position, "position_en": POSITIONS_EN[position], "title": "",
                "field": field,
                "is_front_line": rng.random() < 0.45,
                "bio": f"{name}，{unit.name}{field}领域科技工作者。",
            },
        )  # fmt: skip

    staff = demo_user("staff@laurel.demo", "周雅 Zhou Ya")
    Role.objects.get_or_create(user=staff, kind=RoleKind.STAFF)
    nominator = demo_user("nominator@laurel.demo", "林涛 Lin Tao")
    Role.objects.get_or_create(user=nominator, kind=RoleKind.NOMINATOR, organization=units["云州大学"])
    expert = demo_user("expert@laurel.demo", "郑清 Zheng Qing")
    Role.objects.get_or_create(user=expert, kind=RoleKind.EXPERT)
    # The demo expert has no sci-tech worker profile: they declared working independently (conflicts use it).
    DeclaredUnit.objects.get_or_create(user=expert, defaults={"organization": None})
    member = demo_user("member@laurel.demo", "韩嘉 Han Jia")
    Role.objects.get_or_create(user=member, kind=RoleKind.LECTURER)
    demo_user("admin@laurel.demo", "Administrator", is_superuser=True)
    demo_user("stranger@laurel.demo", "Visitor", language="en")
    stdout.write(f"people: {Organization.objects.count()} units, {Person.objects.count()} sci-tech workers")
    return [
        Login("association staff", "staff@laurel.demo", "campaigns, people, imports, audit log"),
        Login("nominator", "nominator@laurel.demo", "nominator for 云州大学"),
        Login("expert", "expert@laurel.demo", "reviews nominations"),
        Login("lecture group member", "member@laurel.demo", "gives talks"),
        Login("administrator", "admin@laurel.demo", "Django admin at /admin/"),
        Login("stranger", "stranger@laurel.demo", "an account with no role"),
    ]
