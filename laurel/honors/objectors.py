"""Who may object: a real, reachable person. Public notices accept written objections with the objector's real name
and contact details and refuse anonymous ones; these rules decide what counts as a real name and a reachable
contact before an objection is taken. Pure functions, no database."""

import re

from django.utils.translation import gettext as _

# Words that stand for nobody in particular: anonymity, a crowd, a placeholder, a test. Checked inside the name,
# casefolded, so 「一名知情群众」 and "Anonymous reader" are refused too.
DENY_WORDS = (
    "匿名", "无名", "佚名", "不详", "不愿透露", "保密", "知情", "群众", "网友", "某某", "热心", "市民", "村民",
    "职工", "员工", "举报人", "投诉人", "路人", "未知", "本人", "测试",
    "anonymous", "anon", "unknown", "nobody", "someone", "n/a", "none", "test", "citizen", "whistleblower",
)  # fmt: skip
# A surname with a form of address instead of a given name (张先生, 李女士) is not a full name.
ADDRESS_FORMS = ("先生", "女士", "小姐", "同志", "老师", "师傅", "阿姨")
CHINESE_NAME = re.compile(r"^[\u3400-\u9fff]{2,6}$")
# Names of ethnic minorities and foreigners written in Chinese: parts joined by the middle dot.
DOTTED_NAME = re.compile(r"^[\u3400-\u9fff]{1,12}([·•‧・][\u3400-\u9fff]{1,12})+$")
LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z'\-]*( [A-Za-z][A-Za-z'.\-]*)+$")
MOBILE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(转\d{1,6}|ext\d{1,6})?$")


def name_problem(full_name: str) -> str | None:
    """Why `full_name` is not a real person's name, or None. A Chinese name of 2 to 6 characters (dotted names
    too) or a Latin given name and family name."""
    name = " ".join(full_name.split())
    folded = name.casefold()
    if not name or any(word in folded for word in DENY_WORDS):
        return _("Anonymous objections are not accepted: give your real name.")
    if len(name) > 60:
        return _("Give your name as on your identity card, at most 60 characters.")
    if CHINESE_NAME.match(name) and len(name) <= 4 and name.endswith(ADDRESS_FORMS):
        return _("Give your full name, not a form of address.")
    if len(set(name.replace(" ", ""))) == 1:
        return _("Anonymous objections are not accepted: give your real name.")
    if CHINESE_NAME.match(name) or DOTTED_NAME.match(name) or LATIN_NAME.match(name):
        return None
    return _("Give your real name as on your identity card, e.g. 王小明 or Mary Smith.")


def normalized_phone(contact: str) -> str:
    return re.sub(r"[\s\-()（）]", "", contact).replace("＋", "+").replace("EXT", "ext").replace("Ext", "ext")


def is_phone(contact: str) -> bool:
    """A mainland mobile number (optionally +86) or a landline with its area code (optionally an extension)."""
    number = normalized_phone(contact)
    return bool(MOBILE.match(number) or LANDLINE.match(number))


def contact_problem(contact: str, *, verified_email: str = "") -> str | None:
    """The association must be able to reach the objector: a valid phone number, or the confirmed email address
    of the account they are signed in with."""
    if is_phone(contact) or verified_email:
        return None
    return _(
        "Give a phone number the association can call (e.g. 138 0013 8000 or 0791-8612 3456), or sign in with an "
        "account whose email address is confirmed."
    )
