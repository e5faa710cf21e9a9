"""What a certificate says, worded as Chinese certificates are: the honor certificate's 「XXX同志：在……中，被评为……。
特发此证。」, the appointment letter's 「兹聘请XXX同志为……，聘期自……至……。」, with the English beneath."""

from dataclasses import dataclass

from laurel.certificates.models import Kind

APPOINTMENT_OPENING = "兹聘请"


@dataclass(frozen=True)
class Wording:
    salutation: str  # 「王䶮同志：」 on its own line; empty on an appointment letter, which opens with 兹聘请
    body: str
    body_en: str
    note: str = ""  # the honoree's citation, printed smaller beneath the body
    note_en: str = ""


def _quoted(title: str) -> str:
    """A title in Chinese quotation marks, unless it carries its own."""
    return title if "“" in title or "「" in title else f"“{title}”"


def honor(*, name: str, name_en: str, title: str, title_en: str, occasion: str, occasion_en: str) -> Wording:
    named = f"被评为{_quoted(title)}。特发此证。"
    body = f"在{occasion}中，{named}" if occasion else named
    who, what = name_en or name, title_en or title
    body_en = (
        f"In {occasion_en}, {who} was named {what}. This certificate is hereby awarded."
        if occasion_en
        else f"{who} was named {what}. This certificate is hereby awarded."
    )
    return Wording(salutation=f"{name}同志：", body=body, body_en=body_en)


def appointment(
    *, name: str, name_en: str, title: str, title_en: str, citation: str, citation_en: str, start: str, start_en: str,
    end: str, end_en: str,
) -> Wording:  # fmt: skip
    """A letter whose citation is already worded as one (lecture-group hand-offs word the role and the term) is
    printed as it is; otherwise the letter is worded from the title and the term (the issue date to the end)."""
    if citation.startswith(APPOINTMENT_OPENING):
        return Wording(salutation="", body=citation, body_en=citation_en)
    who, what = name_en or name, title_en or title
    if end:
        body = f"{APPOINTMENT_OPENING}{name}同志为{title}，聘期自{start}至{end}。"
        body_en = f"{who} is appointed {what} for the term from {start_en} to {end_en}."
    else:
        body = f"{APPOINTMENT_OPENING}{name}同志为{title}。"
        body_en = f"{who} is appointed {what}."
    return Wording(salutation="", body=body, body_en=body_en, note=citation, note_en=citation_en)


def other(*, name: str, name_en: str, title: str, title_en: str, citation: str, citation_en: str) -> Wording:
    """Service and participation certificates: what the person did, then 特发此证."""
    if citation:
        return Wording(
            salutation=f"{name}同志：",
            body=f"{citation}特发此证。",
            body_en=f"{citation_en} This certificate is hereby awarded." if citation_en else "",
        )
    return Wording(
        salutation=f"{name}同志：",
        body=f"授予{_quoted(title)}。特发此证。",
        body_en=f"{name_en or name}: {title_en or title}. This certificate is hereby awarded.",
    )


def word(*, kind: str, data: dict, occasion: str = "", occasion_en: str = "") -> Wording:
    """`data` as `pdf.render` takes it (name, title, citation, date, term_end... and their English)."""
    common = {
        "name": data.get("name", ""),
        "name_en": data.get("name_en", ""),
        "title": data.get("title", ""),
        "title_en": data.get("title_en", ""),
    }
    citation, citation_en = data.get("citation", ""), data.get("citation_en", "")
    if kind == Kind.HONOR:
        wording = honor(**common, occasion=occasion, occasion_en=occasion_en)
        return Wording(wording.salutation, wording.body, wording.body_en, note=citation, note_en=citation_en)
    if kind == Kind.APPOINTMENT:
        return appointment(
            **common, citation=citation, citation_en=citation_en, start=data.get("date", ""),
            start_en=data.get("date_en", ""), end=data.get("term_end", ""), end_en=data.get("term_end_en", ""),
        )  # fmt: skip
    return other(**common, citation=citation, citation_en=citation_en)
