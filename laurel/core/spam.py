"""Spam heuristics without any third-party service (news comments, technical needs). Pure functions: the
services decide what to do."""

import re

from django.utils.translation import gettext_lazy as _

# What moderators read for each reason code (the codes themselves stay in the data and the audit log).
REASON_LABELS = {
    "links": _("more than two links"),
    "repetition": _("the same characters or words over and over"),
    "duplicate": _("the same text as an earlier comment from this address"),
}


def reason_labels(codes) -> list[str]:
    return [str(REASON_LABELS.get(code, code)) for code in codes or ()]


MAX_LINKS = 2
LINK = re.compile(r"(https?://|www\.|\[url|<a\s)", re.IGNORECASE)


def link_count(text: str) -> int:
    return len(LINK.findall(text))


def is_repetitive(text: str) -> bool:
    """Long runs of one character, or a few words repeated over and over."""
    if re.search(r"(.)\1{14,}", text):
        return True
    compact = re.sub(r"\s+", "", text)
    if len(compact) >= 30:
        windows = [compact[index : index + 4] for index in range(len(compact) - 3)]
        if len(set(windows)) / len(windows) < 0.4:
            return True
    return False


def spam_reasons(text: str, *, recent_texts: list[str] = ()) -> list[str]:
    """Why a comment looks like spam (empty list: it does not). `recent_texts`: the same address's last comments."""
    reasons = []
    if link_count(text) > MAX_LINKS:
        reasons.append("links")
    if is_repetitive(text):
        reasons.append("repetition")
    normalized = " ".join(text.split()).lower()
    if any(" ".join(previous.split()).lower() == normalized for previous in recent_texts):
        reasons.append("duplicate")
    return reasons
