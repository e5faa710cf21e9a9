"""Demo certificates: a default template, certificates for a few demo people, one revoked, and an honoree
account (honoree@laurel.demo) linked to a person so the honoree's desk can be clicked through."""

import datetime

from laurel.certificates import services
from laurel.certificates.models import Certificate, CertificateTemplate, Kind
from laurel.people.demo import Login, demo_user
from laurel.people.models import Person, User

BATCH_KEY = "2026-最美科技工作者"


def seed(*, stdout) -> list[Login]:
    template, _created = CertificateTemplate.objects.update_or_create(
        kind=Kind.HONOR,
        name="最美科技工作者荣誉证书",
        defaults={
            "heading": "荣誉证书",
            "heading_en": "Certificate of Honor",
            "association_name": "云州市科学技术协会",
            "association_name_en": "Yunzhou Association for Science and Technology",
            "signatory": "云州市科学技术协会",
        },
    )
    staff = User.objects.filter(email="staff@laurel.demo").first()
    people = list(Person.objects.order_by("code")[:4])
    honoree_user = demo_user("honoree@laurel.demo", "获评者 Honoree")
    if people and not Person.objects.filter(user=honoree_user).exists():
        Person.objects.filter(pk=people[0].pk).update(user=honoree_user)
    for person in people:
        if not Certificate.objects.current().filter(recipient=person, batch_key=BATCH_KEY).exists():
            services.issue_one(
                template=template,
                recipient=person,
                title="云州市最美科技工作者",
                title_en="Most Beautiful Sci-tech Worker of Yunzhou",
                citation="扎根一线，潜心科研，热心科普，展现了新时代科技工作者的风采。",
                citation_en="For devoted front-line research and science outreach.",
                batch_key=BATCH_KEY,
                issued_on=datetime.date(2026, 5, 30),
                actor=staff,
            )
    last = Certificate.objects.current().filter(batch_key=BATCH_KEY).order_by("-recipient__code").first()
    if last and len(people) > 1 and last.status == Certificate.Status.VALID:
        services.revoke(last, reason="演示：推荐材料不实", actor=staff)
    stdout.write(f"certificates: {Certificate.objects.count()} certificates")
    return [Login("honoree", "honoree@laurel.demo", "downloads own certificate from the desk")]
