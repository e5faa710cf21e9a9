"""Demo data: 20 Chinese news articles with their 20 English translations, covers drawn with Pillow, comments.

They report the demo association's campaign, its Workers' Day symposium and ceremony, and the lecture group's
talks. All names are invented.
"""

import datetime
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from laurel.events.models import Event
from laurel.honors.models import Campaign
from laurel.news import search, thumbnails
from laurel.news.models import Article, Comment, Section, Tag
from laurel.news.rendering import render_markdown
from laurel.outreach.models import LectureGroup
from laurel.people.models import User

TZ = datetime.timezone(datetime.timedelta(hours=8))
CREDIT = ("图片由主办方提供", "Photo provided by the organizer")
SOURCE = ("云州日报", "Yunzhou Daily")

# (zh title, en title, zh lead, en lead, zh tags, en tags, event code, month, day)
STORIES = [
    ("2023年云州“最美科技工作者”评选活动启动", "Yunzhou launches its 2023 Most Beautiful Sci-tech Workers campaign",
     "市科协启动2023年“最美科技工作者”评选活动，面向全市各推荐单位征集候选人。",
     "The city association opened its 2023 Most Beautiful Sci-tech Workers campaign and invited units to nominate.",
     ["最美科技工作者", "评选活动"], ["Most Beautiful Sci-tech Workers", "campaign"], None, 2, 20),
    ("全市30家推荐单位完成候选人推荐", "Thirty units complete their nominations",
     "截至3月底，全市30家推荐单位共推荐候选人86名，覆盖高校、科研院所、医院和企业。",
     "By the end of March, 30 nominating units had put forward 86 candidates from universities, institutes, hospitals and companies.",
     ["最美科技工作者", "推荐"], ["Most Beautiful Sci-tech Workers", "nomination"], None, 4, 2),
    ("“最美科技工作者”候选人资格审查结束", "Eligibility check of the candidates completed",
     "市科协完成候选人资格审查，82名候选人进入专家评审环节。",
     "The association completed the eligibility check: 82 candidates go on to expert review.",
     ["最美科技工作者", "资格审查"], ["Most Beautiful Sci-tech Workers", "eligibility check"], None, 4, 15),
    ("评审专家完成“最美科技工作者”网络评审", "Experts finish reviewing the candidates",
     "来自不同领域的评审专家对候选人进行了独立评审，评审结果经汇总后报评选委员会。",
     "Experts from many fields reviewed the candidates independently; the results went to the selection committee.",
     ["最美科技工作者", "评审"], ["Most Beautiful Sci-tech Workers", "review"], None, 4, 28),
    ("2023年云州“最美科技工作者”拟表彰名单公示", "Public notice of the proposed 2023 honorees",
     "经专家评审和评选委员会审议，20名科技工作者拟获评2023年云州“最美科技工作者”，现予公示。",
     "After expert review and the committee's deliberation, 20 sci-tech workers are proposed as honorees; the list is on public notice.",
     ["最美科技工作者", "公示"], ["Most Beautiful Sci-tech Workers", "public notice"], None, 5, 8),
    ("云州市召开2023年全国科技工作者日座谈会", "Yunzhou holds its 2023 Workers' Day symposium",
     "5月30日上午，云州市2023年全国科技工作者日座谈会在市科技馆召开，市委副书记赵明远出席并讲话。",
     "On the morning of 30 May, the city's Workers' Day symposium met at the science museum; deputy party secretary Zhao Mingyuan spoke.",
     ["科技工作者日", "座谈会"], ["Workers' Day", "symposium"], "EVSYMP2023", 5, 30),
    ("2023年云州“最美科技工作者”表彰大会举行", "Award ceremony for the 2023 Most Beautiful Sci-tech Workers",
     "5月30日下午，市科协为20名2023年云州“最美科技工作者”颁发证书，并发出向科技工作者学习的倡议。",
     "On the afternoon of 30 May, the association presented certificates to the 20 honorees and issued a call to learn from them.",
     ["最美科技工作者", "表彰大会", "科技工作者日"], ["Most Beautiful Sci-tech Workers", "award ceremony", "Workers' Day"], "EVCERE2023", 5, 30),
    ("科技工作者代表在座谈会上交流发言", "Sci-tech workers share their experience at the symposium",
     "座谈会上，来自医院、高校和企业的三位科技工作者代表结合自身经历交流发言。",
     "At the symposium, three representatives from a hospital, a university and a company spoke about their work.",
     ["科技工作者日", "座谈会"], ["Workers' Day", "symposium"], "EVSYMP2023", 5, 31),
    ("获评者代表：把论文写在大地上", "Honoree: write your papers on the land",
     "表彰大会上，获评者代表、农业科学院研究员讲述了扎根田间二十年的育种故事。",
     "At the ceremony an honoree, a crop breeder, told of twenty years spent in the fields.",
     ["最美科技工作者", "获评者"], ["Most Beautiful Sci-tech Workers", "honoree"], "EVCERE2023", 6, 1),
    ("云州“科学家精神宣讲团”成立", "Yunzhou founds its Scientist Spirit Lecture Group",
     "市科协成立“科学家精神宣讲团”，首批12名成员将深入学校、社区和企业开展宣讲。",
     "The association founded a Scientist Spirit Lecture Group; its first 12 members will speak in schools, communities and companies.",
     ["宣讲团", "科学家精神"], ["lecture group", "scientist spirit"], None, 6, 5),
    ("宣讲团走进云州市第一中学", "The lecture group visits Yunzhou No. 1 Middle School",
     "宣讲团成员走进云州市第一中学，为600余名师生讲述科学家的故事。",
     "Members of the lecture group told more than 600 students and teachers the stories of scientists.",
     ["宣讲团", "科学家精神", "校园"], ["lecture group", "scientist spirit", "schools"], None, 6, 16),
    ("宣讲团走进东湖区社区", "Talks in Donghu District's communities",
     "宣讲团在东湖区三个社区开展宣讲，居民踊跃提问。",
     "The lecture group gave talks in three Donghu communities, where residents asked many questions.",
     ["宣讲团", "社区"], ["lecture group", "communities"], None, 6, 25),
    ("宣讲团走进云州新能源汽车有限公司", "Talk at Yunzhou New Energy Vehicles",
     "宣讲团成员为企业研发人员讲述攻克关键核心技术的故事。",
     "A lecture group member spoke to the company's engineers about breaking through key technologies.",
     ["宣讲团", "企业"], ["lecture group", "companies"], None, 7, 6),
    ("宣讲团上半年宣讲覆盖听众过万人次", "Lecture group reached over ten thousand listeners in six months",
     "宣讲团成立以来共开展宣讲42场，线下听众逾1.2万人次。",
     "Since its founding the lecture group has given 42 talks to more than 12,000 listeners in person.",
     ["宣讲团", "宣讲成效"], ["lecture group", "reach"], None, 12, 10),
    ("最美科技工作者事迹巡回报告会举行", "Touring talks about the honorees' work",
     "“最美科技工作者”事迹巡回报告会在临江县举行，五位获评者讲述科研故事。",
     "A touring session in Linjiang County heard five honorees tell their stories.",
     ["最美科技工作者", "宣讲团"], ["Most Beautiful Sci-tech Workers", "lecture group"], None, 9, 12),
    ("市科协召开科技工作者服务工作推进会", "Association meets on its services for sci-tech workers",
     "会议要求各级科协发挥“科技工作者之家”作用，做好联系服务科技工作者工作。",
     "The meeting asked associations at all levels to act as the home of sci-tech workers.",
     ["科协工作", "服务"], ["association", "services"], None, 8, 20),
    ("市科协组织专家开展科技志愿服务", "Experts volunteer in rural Qingshi County",
     "市科协组织20名专家赴青石县开展农业技术咨询和义诊活动。",
     "Twenty experts gave farming advice and free medical consultations in Qingshi County.",
     ["科技志愿服务", "科普"], ["volunteering", "science popularization"], None, 9, 2),
    ("全国科普日云州主场活动举行", "National Science Popularization Day in Yunzhou",
     "全国科普日云州主场活动在市科技馆举行，吸引市民5000余人次参与。",
     "More than 5,000 residents came to the main Science Day events at the science museum.",
     ["科普", "科普日"], ["science popularization", "Science Day"], None, 9, 16),
    ("市科协发布科技工作者状况调查报告", "Association publishes its survey of sci-tech workers",
     "调查显示，青年科技工作者最关注科研时间保障和职业发展。",
     "The survey finds that young researchers care most about protected research time and careers.",
     ["科协工作", "智库"], ["association", "think tank"], None, 10, 18),
    ("2024年“最美科技工作者”评选工作部署", "Preparing the 2024 Most Beautiful Sci-tech Workers campaign",
     "市科协召开会议部署2024年“最美科技工作者”评选工作，进一步向一线倾斜。",
     "The association prepared the 2024 campaign, with more weight on front-line workers.",
     ["最美科技工作者", "评选活动"], ["Most Beautiful Sci-tech Workers", "campaign"], None, 12, 20),
]  # fmt: skip
COLORS = [(180, 40, 40), (30, 90, 160), (30, 130, 90), (150, 100, 20), (100, 50, 140)]


def _body(lead: str, language: str, tags: list[str]) -> str:
    if language == "en":
        return (
            f"{lead}\n\n"
            "The Yunzhou Association for Science and Technology acts as the home of sci-tech workers: it honors "
            "them, speaks for them and serves them.\n\n"
            f"**Keywords:** {', '.join(tags)}."
        )
    return (
        f"{lead}\n\n"
        "云州市科协将继续发挥“科技工作者之家”作用，大力弘扬科学家精神，营造尊重知识、尊重人才、尊重创新的良好氛围。\n\n"
        f"**关键词：**{'、'.join(tags)}。"
    )


def _cover(index: int) -> ContentFile:
    """A 1600 x 900 photo-like picture drawn at seed time (no outside image): a sky gradient, hills, a sun and rings,
    stored as JPEG as a camera would, so the responsive copies have real work to do."""
    width, height = 1600, 900
    base = COLORS[index % len(COLORS)]
    sky = Image.linear_gradient("L").resize((width, height)).convert("L")
    image = Image.merge(
        "RGB",
        [sky.point(lambda value, tone=tone: int(tone + (255 - tone) * (255 - value) / 400)) for tone in base],
    )
    draw = ImageDraw.Draw(image)
    draw.ellipse((1100 - index * 20, 120, 1300 - index * 20, 320), fill=(255, 220, 120))
    for layer in range(3):
        shade = tuple(max(0, channel - 40 - layer * 30) for channel in base)
        top = 520 + layer * 90
        points = [(0, height)] + [(x, top + ((x * (layer + 3) + index * 97) % 140)) for x in range(0, width + 1, 100)]
        draw.polygon(points + [(width, height)], fill=shade)
    for ring in range(6):
        inset = 40 + ring * 44
        draw.ellipse(
            (800 - 320 + inset, 80 + inset // 2, 800 + 320 - inset, 640 - inset // 2), outline=(255, 215, 0), width=6
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"demo-cover-{index:02d}.jpg")


def _subjects(title: str, tags: list[str], campaigns: dict[int, Campaign], group: LectureGroup | None) -> dict:
    """What a story reports besides its event: the campaign of its year, the lecture group."""
    campaign = campaigns.get(2024 if "2024" in title else 2023) if "最美科技工作者" in tags else None
    return {"campaign": campaign, "lecture_group": group if "宣讲团" in tags else None}


# Stories 0 and 4 are the campaign's call and its public notice: notices (通知公告); 13 and 14 are science for all.
NOTICES = {0, 4}
SCIENCE = {13, 14}


def _section(index: int, sections: dict[str, Section]) -> Section | None:
    slug = "notices" if index in NOTICES else "science" if index in SCIENCE else "work"
    return sections.get(slug)


def _article(code, *, language, title, lead, tags, event, subjects, release_at, translation_of, actor, index):
    body = _body(lead, language, tags)
    article, created = Article.objects.update_or_create(
        code=code,
        defaults={
            "language": language, "title": title, "summary": lead, "body": body, "body_html": render_markdown(body),
            "source": SOURCE[language == "en"], "reporter": "林晓" if language != "en" else "Lin Xiao",
            "release_at": release_at, "status": Article.Status.PUBLISHED, "cover_credit": CREDIT[language == "en"],
            "event": event, "translation_of": translation_of, "created_by": actor, **subjects,
        },
    )  # fmt: skip
    if created or not article.cover:
        article.cover.save(f"demo-cover-{index:02d}.jpg", _cover(index), save=True)
    # The responsive copies, as an upload makes them (manage.py make_cover_thumbnails does the same for old covers).
    thumbnails.ensure(article)
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
    return article


def seed(*, stdout):
    actor = User.objects.filter(email="staff@laurel.demo").first()
    events = {event.code: event for event in Event.objects.filter(code__in=["EVSYMP2023", "EVCERE2023"])}
    campaigns = {campaign.edition: campaign for campaign in Campaign.objects.filter(series="most-beautiful")}
    group = LectureGroup.objects.filter(slug="scientist-spirit").first()
    sections = {section.slug: section for section in Section.objects.all()}
    articles = []
    for index, (title, title_en, lead, lead_en, tags, tags_en, event_code, month, day) in enumerate(STORIES):
        release_at = datetime.datetime(2023, month, day, 9 + index % 8, 30, tzinfo=TZ)
        event = events.get(event_code)
        subjects = {**_subjects(title, tags, campaigns, group), "section": _section(index, sections)}
        original = _article(
            f"NEWSZH{index:02d}", language="zh-hans", title=title, lead=lead, tags=tags, event=event,
            subjects=subjects, release_at=release_at, translation_of=None, actor=actor, index=index,
        )  # fmt: skip
        _article(
            f"NEWSEN{index:02d}", language="en", title=title_en, lead=lead_en, tags=tags_en, event=event,
            subjects=subjects, release_at=release_at + datetime.timedelta(hours=2), translation_of=original, actor=actor, index=index,
        )  # fmt: skip
        articles.append(original)
    ceremony = articles[6]
    comments = [
        ("热心读者", "向获评的科技工作者们致敬！", Comment.Status.APPROVED, []),
        ("云大学生", "希望宣讲团也能来我们学校。", Comment.Status.APPROVED, []),
        ("路人", "请问明年的报名什么时候开始？", Comment.Status.PENDING, []),
        (
            "promo",
            "低价推广 http://spam.invalid http://spam.invalid/a http://spam.invalid/b",
            Comment.Status.SPAM,
            ["links"],
        ),
    ]
    for name, body, status, reasons in comments:
        Comment.objects.get_or_create(
            article=ceremony, name=name, body=body, defaults={"status": status, "spam_reasons": reasons}
        )
    _editor_articles(actor, group)
    # News seeds last (settings.INSTALLED_APPS), so the site search's index sees every app's demo data.
    entries = search.rebuild()
    stdout.write(f"news: {Article.objects.count()} articles, {Comment.objects.count()} comments")
    stdout.write(f"search index: {entries} entries")
    return []


# An article written in the rich-text editor (HTML, not Markdown), with a picture and its credit as staff insert
# them from the editor page (services.upload_article_image).
EDITOR_STORY = {
    "zh-hans": (
        "NEWSHTML01",
        "“科学家精神”宣讲团走进云州第一中学",
        "5月20日，市科协“科学家精神”宣讲团走进云州第一中学，为600余名师生作专题报告。",
        "宣讲团成员在云州第一中学礼堂作报告",
        "摄影：林晓",
        "<h2>把科学家的故事讲给青年听</h2><p>三位宣讲团成员结合亲身经历，讲述了<strong>科研报国</strong>的故事。</p>"
        "<ul><li><p>农业科学院研究员讲述扎根田间二十年的育种经历；</p></li>"
        "<li><p>市第一人民医院医生分享抗疫一线的科研故事。</p></li></ul>"
        "<blockquote><p>“科学没有捷径，只有日复一日的坚持。”</p></blockquote>",
        ["宣讲团"],
    ),
    "en": (
        "NEWSHTML02",
        "The Scientist Spirit lecture group visits Yunzhou No. 1 Middle School",
        "On 20 May, the association's lecture group spoke to over 600 pupils and teachers of Yunzhou No. 1 Middle School.",
        "Members of the lecture group speaking in the school's hall",
        "Photo: Lin Xiao",
        "<h2>Scientists' stories told to the young</h2><p>Three members told how they chose <strong>research that "
        "serves the country</strong>.</p><ul><li><p>A researcher of the Academy of Agricultural Sciences on twenty "
        "years of breeding in the fields;</p></li><li><p>A doctor of the First People's Hospital on research at the "
        "front line of an epidemic.</p></li></ul><blockquote><p>“Science has no shortcut, only daily perseverance.”"
        "</p></blockquote>",
        ["lecture group"],
    ),
}


def _editor_articles(actor, group) -> None:
    from laurel.core.storage import public_storage
    from laurel.news.models import BodyFormat
    from laurel.news.rendering import sanitize_html

    if Article.objects.filter(code="NEWSHTML01").exists():
        return
    picture = public_storage().save("news/images/demo.png", _cover(7))
    url = public_storage().url(picture)
    release_at = datetime.datetime(2023, 5, 20, 16, 0, tzinfo=TZ)
    original = None
    for language, (code, title, lead, alt, credit, rest, tags) in EDITOR_STORY.items():
        body = sanitize_html(
            f'<p>{lead}</p><figure><img src="{url}" alt="{alt}"><figcaption>{credit}</figcaption></figure>{rest}'
        )
        article = Article.objects.create(
            code=code, language=language, title=title, summary=lead, body=body, body_html=body,
            format=BodyFormat.HTML, source=SOURCE[language == "en"], status=Article.Status.PUBLISHED,
            release_at=release_at, translation_of=original, lecture_group=group, created_by=actor,
        )  # fmt: skip
        article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
        original = original or article
        release_at += datetime.timedelta(hours=2)
