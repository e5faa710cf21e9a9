"""Demo of what the public site shows of the campaigns: every public campaign gets its call (通知): the text, a
contact, the official notice as a PDF (typst, at seed time) and as a Word document (written here as the zip of XML
parts a .docx is), both through the same judges as an upload (core/uploads.py) and the same service; published
honorees without an ID photo get one drawn (the front page shows their faces)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from laurel.honors import calls
from laurel.honors.models import Campaign

FONT_PATHS = ["/usr/share/fonts/opentype/noto"]

CALL_ZH = """## 一、评选对象

在本市工作满三年、仍在岗位一线的科技工作者，包括科研人员、工程技术人员、医务工作者、教师和企业研发人员。

## 二、评选条件

1. 热爱祖国，恪守科学道德和学术规范；
2. 在科技创新、科学普及或服务经济社会发展中作出突出贡献；
3. 事迹感人，在社会上有较大影响，具有示范引领作用。

院士人数不超过候选人的10%，45岁以下青年科技工作者不少于20%，向基层一线倾斜。

## 三、日程安排

| 阶段 | 时间 |
|---|---|
| 推荐报名 | {opens} 至 {deadline} |
| 资格审查与专家评审 | 推荐截止后约四周 |
| 公示 | 5个工作日 |

## 四、推荐方式

各推荐单位在名额内推荐，填写推荐表，附单位意见（加盖公章）和廉政证明。详见附件。
"""

CALL_EN = """## Who may be nominated

Sci-tech workers who have worked in the city for at least three years and are still in post: researchers,
engineers, doctors, teachers and companies' developers.

## Criteria

1. Integrity and respect for scientific ethics;
2. an outstanding contribution to innovation, science popularization or the city's development;
3. a moving story with wide influence.

Academicians at most 10% of the nominees; people aged 45 or under at least 20%; front-line workers favoured.

## Schedule

| Stage | When |
|---|---|
| Nominations | {opens} to {deadline} |
| Eligibility check and expert review | about four weeks after the deadline |
| Public notice | 5 working days |

## How to nominate

Units nominate within their quota with the nomination form, the unit's opinion (with its seal) and an integrity
certificate. See the attachments.
"""

CONTACT = "云州市科协组织人事部 · 电话 0791-8888 6666 · kx-zuzhi@yunzhou.example"

NOTICE_TYPST = """
#set page(paper: "a4", margin: 2.5cm)
#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 12pt, lang: "zh")
#align(center, text(size: 18pt, weight: "bold", fill: rgb("#a3161a"))[云州市科学技术协会])
#v(1em)
#align(center, text(size: 15pt, weight: "bold")[关于开展 TITLE 推荐工作的通知])
#v(1em)
各推荐单位：

为大力弘扬科学家精神，激励广大科技工作者创新争先，经研究，决定开展 TITLE 推荐工作。现将有关事项通知如下。

一、推荐名额：每个推荐单位一般不超过2名。

二、推荐时间：OPENS 至 DEADLINE。

三、材料要求：推荐表、事迹材料（2000字以内）、近期免冠证件照一张、生活工作照片3至5张、单位意见和廉政证明。

联系人：组织人事部，电话 0791-8888 6666。

#v(2em)
#align(right)[云州市科学技术协会 \\ DATE]
"""


def _pdf(campaign: Campaign) -> bytes:
    import typst

    source = (
        NOTICE_TYPST.replace("TITLE", campaign.name)
        .replace("OPENS", f"{campaign.nomination_opens_at or campaign.created_at:%Y年%m月%d日}")
        .replace("DEADLINE", f"{campaign.nomination_deadline:%Y年%m月%d日}")
        .replace("DATE", f"{campaign.nomination_opens_at or campaign.created_at:%Y年%m月%d日}")
    )
    return typst.compile(source.encode(), font_paths=FONT_PATHS)


def _docx(paragraphs: list[str]) -> bytes:
    """The smallest well-formed Word document: content types, the package relation and the body."""
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>" for text in paragraphs)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def seed_honoree_photos(*, draw) -> int:
    """An ID photo for each published honoree who has none, drawn by `draw(name, rng)` (honors/demo.py's)."""
    import random

    from laurel.honors.models import Nomination

    rng = random.Random(2023)
    honorees = Nomination.objects.selected().filter(campaign__stage="published", id_photo="")
    for nomination in honorees:
        nomination.id_photo.save(f"{nomination.code}.jpg", draw(nomination.code, rng), save=False)
        Nomination.objects.filter(pk=nomination.pk).update(id_photo=nomination.id_photo.name)
    return len(honorees)


def seed(*, staff) -> int:
    """Calls for the public campaigns that have none yet; returns how many were written."""
    written = 0
    for campaign in Campaign.objects.public().filter(call_text=""):
        opens = f"{campaign.nomination_opens_at or campaign.created_at:%Y-%m-%d}"
        deadline = f"{campaign.nomination_deadline:%Y-%m-%d}"
        calls.save_call(
            campaign,
            actor=staff,
            call_text=CALL_ZH.format(opens=opens, deadline=deadline),
            call_text_en=CALL_EN.format(opens=opens, deadline=deadline),
            call_contact=CONTACT,
        )
        if not campaign.call_attachments.exists():
            calls.add_attachment(
                campaign,
                actor=staff,
                title=f"关于开展{campaign.name}推荐工作的通知",
                title_en=f"Call for nominations: {campaign.name_en or campaign.name}",
                upload=SimpleUploadedFile("notice.pdf", _pdf(campaign)),
            )
            calls.add_attachment(
                campaign,
                actor=staff,
                title=f"{campaign.name}推荐表",
                title_en="Nomination form",
                upload=SimpleUploadedFile(
                    "form.docx",
                    _docx(
                        [f"{campaign.name}推荐表", "姓名：", "工作单位：", "职务/职称：", "主要事迹（2000字以内）："]
                    ),
                ),
            )
        written += 1
    return written
