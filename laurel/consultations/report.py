"""The report (专报) as a typst PDF: question, method, panel composition, consensus table, distribution charts drawn
by typst, selected anonymous comments and the dissent. Rendered outside any transaction, stored privately."""

import json
import threading

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from laurel.consultations import panel
from laurel.consultations.models import Consultation, Rating, Round
from laurel.core.services import log_action

FONT_PATHS = ["/usr/share/fonts/opentype/noto"]
COMMENTS_PER_STATEMENT = 2  # chosen automatically when staff pick none
MAX_PICKED_PER_STATEMENT = 10  # picked by staff: the report stays a brief
# typst's compiler is not shareable between threads; one compile at a time per process.
_COMPILING = threading.Lock()

# The data travels as JSON in sys.inputs, so no user text is ever parsed as typst markup.
TEMPLATE = """
#let data = json(bytes(sys.inputs.data))
#set page(paper: "a4", margin: (x: 2cm, y: 1.8cm), footer: context align(center, text(size: 8pt, counter(page).display())))
#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 10.5pt, lang: "zh")
#set par(justify: true, leading: 0.8em)
#align(center, text(size: 9pt, data.kicker))
#align(center, text(size: 17pt, weight: "bold", data.title))
#align(center, text(size: 9pt, data.subtitle))
#v(0.6em)
#let heading2(body) = block(above: 1.1em, below: 0.5em, text(size: 12.5pt, weight: "bold", body))
#let bars(histogram, peak) = box(height: 1.1cm, width: 3.6cm, stack(dir: ltr, spacing: 1pt,
  ..histogram.enumerate().map(((index, count)) => align(bottom, stack(dir: ttb, spacing: 1pt,
    rect(width: 0.34cm, height: if peak > 0 { 0.8cm * count / peak } else { 0cm },
      fill: if index >= 6 { rgb("#2f6f4f") } else if index >= 3 { rgb("#b0a060") } else { rgb("#a04040") }, stroke: none),
    text(size: 5pt, str(index + 1)))))))
#heading2(data.labels.question)
#data.question
#if data.background != "" [ #heading2(data.labels.background) #data.background ]
#heading2(data.labels.method)
#data.method
#heading2(data.labels.panel)
#data.panel_intro
#grid(columns: (1fr, 1fr), gutter: 1em,
  table(columns: (1fr, auto), inset: 4pt, stroke: 0.4pt + gray, table.header(strong(data.labels.field), strong(data.labels.count)),
    ..data.by_field.map(row => (row.at(0), str(row.at(1)))).flatten()),
  table(columns: (1fr, auto), inset: 4pt, stroke: 0.4pt + gray, table.header(strong(data.labels.kind), strong(data.labels.count)),
    ..data.by_kind.map(row => (row.at(0), str(row.at(1)))).flatten()))
#if data.named != "" [ #text(size: 9pt, data.named) ]
#heading2(data.labels.results)
#table(columns: (auto, 1fr, auto, auto, auto, auto, auto), inset: 3.5pt, stroke: 0.4pt + gray,
  table.header(..data.labels.columns.map(h => text(size: 8.5pt, strong(h)))),
  ..data.rows.map(row => (str(row.index), text(size: 9pt, row.text), row.median, row.iqr, row.share, row.feasibility,
    if row.consensus { strong(data.labels.yes) } else { data.labels.no })).flatten())
#text(size: 8.5pt, data.agreement)
#heading2(data.labels.charts)
#text(size: 8.5pt, data.labels.chart_note)
#grid(columns: (1fr, 1fr, 1fr, 1fr), gutter: 0.8em,
  ..data.rows.map(row => block(breakable: false, [#text(size: 8pt, [#row.index]) #linebreak() #bars(row.histogram, row.peak)])))
#heading2(data.labels.comments)
#for row in data.rows.filter(row => row.comments.len() > 0) [
  #block(breakable: false, [#text(size: 9pt, strong(str(row.index) + ". " + row.text)) #for comment in row.comments [ #linebreak() #text(size: 9pt, "— " + comment) ]])
]
#heading2(data.labels.dissent)
#if data.dissent.len() == 0 [ #data.labels.no_dissent ]
#for item in data.dissent [
  #block([#text(size: 9pt, strong(str(item.index) + ". " + item.text)) #linebreak() #text(size: 9pt, item.note) #for comment in item.comments [ #linebreak() #text(size: 9pt, "— " + comment) ]])
]
"""


def _number(value) -> str:
    return "—" if value is None else f"{value:g}"


def report_data(consultation: Consultation) -> dict:
    final = final_round(consultation)
    if final is None:
        raise ValidationError(_("The report needs at least one closed round."), code="no_round")
    results = final.results or {}
    per_statement = results.get("statements", {})
    comments: dict[int, list[tuple[int, str]]] = {}
    picked: dict[int, list[str]] = {}
    for statement_id, importance, comment, in_report in (
        Rating.objects.filter(round=final)
        .exclude(comment="")
        .order_by("pk")
        .values_list("statement", "importance", "comment", "in_report")
    ):
        comments.setdefault(statement_id, []).append((importance, comment))
        if in_report:
            picked.setdefault(statement_id, []).append(comment)
    rows, dissent = [], []
    for index, statement in enumerate(consultation.statements.order_by("pk"), start=1):
        figures = per_statement.get(str(statement.pk)) or {}
        histogram = figures.get("histogram") or [0] * 9
        said = comments.get(statement.pk, [])
        if picked:  # staff picked comments: those, and only those, in every statement
            selected = picked.get(statement.pk, [])
        else:  # the longest comments say most; the panel's own words, never who wrote them
            selected = [
                text for _importance, text in sorted(said, key=lambda pair: -len(pair[1]))[:COMMENTS_PER_STATEMENT]
            ]
        rows.append(
            {
                "index": index,
                "text": statement.text,
                "median": _number(figures.get("median")),
                "iqr": _number(figures.get("iqr")),
                "share": f"{round(100 * figures.get('share_high', 0))}%",
                "feasibility": _number(figures.get("feasibility_median")),
                "consensus": bool(figures.get("consensus")),
                "histogram": histogram,
                "peak": max(histogram) if histogram else 0,
                "comments": selected,
            }
        )
        low = [text for importance, text in said if importance <= 3]
        if not figures.get("consensus") and figures.get("n"):
            dissent.append(
                {
                    "index": index,
                    "text": statement.text,
                    "note": _("No consensus: median %(median)s, IQR %(iqr)s, %(share)s rated 7-9.")
                    % {"median": rows[-1]["median"], "iqr": rows[-1]["iqr"], "share": rows[-1]["share"]},
                    "comments": low[:COMMENTS_PER_STATEMENT],
                }
            )
        elif low:
            dissent.append(
                {
                    "index": index,
                    "text": statement.text,
                    "note": _("Consensus, with dissenting ratings of 1-3:"),
                    "comments": low[:COMMENTS_PER_STATEMENT],
                }
            )
    composition = panel.composition(consultation)
    w = results.get("kendall_w")
    agreement = (
        _(
            "Kendall's W over the %(experts)d experts who rated every statement: %(w).3f (chi-square %(chi).1f, p = %(p).4f)."
        )
        % {"experts": results.get("experts_complete", 0), "w": w, "chi": results["chi_square"], "p": results["p_value"]}
        if w is not None
        else _("Kendall's W could not be computed (fewer than two experts rated every statement).")
    )
    body = consultation.asking_body
    return {
        "kicker": _("Consultation report (专报) · %(code)s") % {"code": consultation.code},
        "title": consultation.title,
        "subtitle": _("For %(body)s · %(date)s · %(openness)s")
        % {
            "body": body.name,
            "date": timezone.localdate().isoformat(),
            "openness": consultation.get_openness_display(),
        },
        "question": consultation.question,
        "background": consultation.background,
        "method": _(
            "A Delphi study (RAND's method) in %(rounds)d anonymous rounds. Each expert rated each statement from 1 "
            "to 9 for importance and feasibility, with a comment; from round 2 each saw their own last rating beside "
            "the panel's median, interquartile range (IQR) and comments, and could revise. The rule fixed in advance: "
            "a statement reaches consensus when the IQR of its importance ratings is at most %(iqr)s and at least "
            "%(share)d%% of them are 7-9. The study stopped because: %(stop)s."
        )
        % {
            "rounds": final.number,
            "iqr": f"{consultation.consensus_iqr:g}",
            "share": consultation.consensus_share,
            "stop": consultation.get_stop_reason_display() or "—",
        },
        "panel_intro": _("%(size)d experts served on the panel.") % {"size": composition["size"]},
        "by_field": composition["by_field"],
        "by_kind": composition["by_kind"],
        "named": (
            _("Experts who agreed to be named: %(names)s.") % {"names": "、".join(p.name for p in composition["named"])}
            if composition["named"]
            else ""
        ),
        "rows": rows,
        "agreement": agreement,
        "dissent": dissent,
        "labels": {
            "question": _("Question"),
            "background": _("Background"),
            "method": _("Method"),
            "panel": _("The panel"),
            "field": _("Field"),
            "kind": _("Unit type"),
            "count": pgettext("report column", "Experts"),
            "results": _("Results of the final round"),
            "columns": [_("No."), _("Statement"), _("Median"), _("IQR"), _("7-9"), _("Feasibility"), _("Consensus")],
            "yes": _("yes"),
            "no": _("no"),
            "charts": _("Distribution of importance ratings"),
            "chart_note": _("Number of experts per rating, 1 to 9 (green: 7-9)."),
            "comments": _("Selected comments (anonymous)"),
            "dissent": _("Dissent"),
            "no_dissent": _("No dissent was recorded."),
        },
    }


def render_pdf(consultation: Consultation) -> bytes:
    import typst

    with override("zh-hans"):
        data = report_data(consultation)
    with _COMPILING:
        return typst.compile(
            TEMPLATE.encode(),
            font_paths=FONT_PATHS,
            ignore_system_fonts=True,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        )


def final_round(consultation: Consultation) -> Round | None:
    return consultation.rounds.filter(status=Round.Status.CLOSED).order_by("-number").first()


def comments_for_picking(consultation: Consultation) -> list[tuple[int, str, list[Rating]]]:
    """The final round's comments by statement, as staff pick them: (number, statement, ratings with a comment)."""
    final = final_round(consultation)
    if final is None:
        return []
    ratings: dict[int, list[Rating]] = {}
    for rating in final.ratings.exclude(comment="").only("pk", "statement_id", "comment", "importance", "in_report"):
        ratings.setdefault(rating.statement_id, []).append(rating)
    return [
        (index, statement.text, sorted(ratings[statement.pk], key=lambda rating: rating.pk))
        for index, statement in enumerate(consultation.statements.order_by("pk"), start=1)
        if statement.pk in ratings
    ]


def pick_comments(consultation: Consultation, *, rating_pks: list[int], actor) -> int:
    """Staff's choice of the final round's comments for the report; an empty choice goes back to the automatic
    one (the longest comments). Until the report is delivered: a delivered report is what the body read."""
    if consultation.status != Consultation.Status.CONCLUDED:
        raise ValidationError(
            _("Comments are picked once the rounds have concluded and before the report is delivered."),
            code="wrong_state",
        )
    final = final_round(consultation)
    wanted = set(rating_pks)
    with transaction.atomic():
        # Row lock on the consultation: two staff saving at once leave one choice, not a mix of both.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        comments = final.ratings.exclude(comment="")
        found = dict(comments.filter(pk__in=wanted).values_list("pk", "statement_id"))
        if len(found) != len(wanted):
            raise ValidationError(
                _("Only comments of this consultation's final round can go into its report."), code="unknown_comment"
            )
        per_statement: dict[int, int] = {}
        for statement_id in found.values():
            per_statement[statement_id] = per_statement.get(statement_id, 0) + 1
        if per_statement and max(per_statement.values()) > MAX_PICKED_PER_STATEMENT:
            raise ValidationError(
                _("At most %(count)d comments per statement go into the report.") % {"count": MAX_PICKED_PER_STATEMENT},
                code="too_many",
            )
        comments.filter(pk__in=wanted).update(in_report=True)
        comments.exclude(pk__in=wanted).update(in_report=False)
        log_action(
            "consultations.report.comments_picked",
            actor=actor,
            obj=consultation,
            data={"ratings": sorted(wanted), "automatic": not wanted},
        )
    return len(wanted)


def render_report(consultation: Consultation, *, actor) -> Consultation:
    """Render and store the report of a concluded consultation (again after a correction, until delivered)."""
    if consultation.status != Consultation.Status.CONCLUDED:
        raise ValidationError(_("The report is rendered once the rounds have concluded and before delivery."))
    pdf = render_pdf(consultation)  # seconds of work: outside the transaction
    with transaction.atomic():
        old = consultation.report.name if consultation.report else ""
        consultation.report.save(f"{consultation.code}.pdf", ContentFile(pdf), save=False)
        consultation.report_rendered_at = timezone.now()
        consultation.save(update_fields=["report", "report_rendered_at"])
        log_action("consultations.report.rendered", actor=actor, obj=consultation, data={"bytes": len(pdf)})
    if old and old != consultation.report.name:
        consultation.report.storage.delete(old)
    return consultation
