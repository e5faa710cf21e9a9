import gettext as gettext_module
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, ListView
from django.views.i18n import JavaScriptCatalog

from laurel.core import pagecache
from laurel.core.net import client_address
from laurel.core.views import PermissionRequiredMixin, add_form_errors, report_errors
from laurel.events.models import Event
from laurel.honors.models import Campaign, Stage
from laurel.news import permissions, queries, related, search, services, sharing, viewcount
from laurel.news.forms import EDITOR_MESSAGES, ArticleForm, ArticleImageForm, CommentForm, SectionForm
from laurel.news.models import Article, Comment, SearchEntry, Section

NEWS_LOCALE = Path(__file__).resolve().parent / "locale"


def _require(request, predicate):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not predicate(request.user):
        raise PermissionDenied
    return None


# Public pages


def search_page(request):
    """The public site search (`?q=`, `&kind=` to keep one kind, `&page=`): bad input is answered on the page."""
    query = request.GET.get("q", "")[: search.MAX_QUERY_LENGTH + 1]
    kind = request.GET.get("kind", "")[:10]
    try:
        page = int(request.GET.get("page", "1")[:4])
    except ValueError:
        page = 1
    context = {"q": query.replace("\x00", ""), "kinds": SearchEntry.Kind.choices, "results": None, "error": ""}
    if query.strip():
        try:
            results = search.search(query, kind=kind, page=page, language=get_language())
            context["results"] = results
            context["kinds"] = [(value, label, results.counts.get(value, 0)) for value, label in context["kinds"]]
        except search.QueryRefused as refused:
            context["error"] = refused.messages[0]
    return render(request, "news/search.html", context)


class ArticleListView(ListView):
    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = 20
    section = None

    def get_queryset(self):
        queryset = Article.objects.published().in_language(get_language())
        if self.section is not None:
            queryset = queryset.filter(section=self.section)
        tag = self.request.GET.get("tag", "").strip()[:50]
        if tag:
            queryset = queryset.filter(tags__name=tag)
        return queryset.select_related("section").only(*queries.CARD_FIELDS, "source")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tag=self.request.GET.get("tag", "")[:50], section=self.section, sections=queries.sections(), **kwargs
        )


class SectionView(ArticleListView):
    """A section's own page (工作动态, 通知公告...), with its feeds."""

    def dispatch(self, request, *args, **kwargs):
        self.section = get_object_or_404(Section, slug=kwargs["slug"][:40])
        return super().dispatch(request, *args, **kwargs)


VIEW_HOOK = "news.article_view"


def count_view(request, article_pk: int) -> None:
    """What a cached article page still does on every hit (`pagecache.register_hook`): count the visitor."""
    viewcount.record_view(
        article_pk, address=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )


def article_detail(request, code):
    # The key is taken before the rows are read: a page rendered from rows read before a save's commit is stored
    # under the version that save's invalidation retires, never under the new one (pagecache.invalidate_on_commit).
    key = None
    if pagecache.cacheable(request):
        key = pagecache.page_key(request.path_info, get_language())
        page = pagecache.get(key)
        if page is not None:
            pagecache.run_hook(page, request)
            return HttpResponse(pagecache.personalize(page.html, request))
    article = get_object_or_404(
        Article.objects.select_related("event", "campaign", "lecture_group", "translation_of"), code=code
    )
    if not article.is_visible() and not permissions.can_manage_news(request.user):
        raise Http404
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                comment = services.post_comment(
                    article,
                    name=form.cleaned_data["name"],
                    body=form.cleaned_data["body"],
                    honeypot=form.cleaned_data["website"],
                    address=client_address(request),
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if comment.status == Comment.Status.APPROVED:
                    messages.success(request, _("Thank you, your comment is published."))
                else:
                    messages.success(request, _("Thank you, your comment will appear after moderation."))
                return redirect(article)
    elif article.is_visible():
        count_view(request, article.pk)
        if key is not None:
            html = render_to_string(
                "news/article_detail.html",
                {**_article_context(article, form, request), "csrf_token": pagecache.PLACEHOLDER},
                request=request,
            )
            page = pagecache.Page(html, hook=(VIEW_HOOK, article.pk))
            return pagecache.offer(HttpResponse(pagecache.personalize(html, request)), key, page)
    return render(request, "news/article_detail.html", _article_context(article, form, request))


@require_GET
def article_qr(request, code):
    """The QR code of a public article's address (for WeChat), as an SVG image: the address is the site's own
    (`LAUREL_SITE_URL`), never the request's Host header, and the image can be kept by any cache for a day."""
    article = get_object_or_404(Article.objects.only("code", "status", "release_at", "language"), code=code[:20])
    if not article.is_visible():
        raise Http404
    response = HttpResponse(
        sharing.qr_svg(settings.SITE_URL.rstrip("/") + article.get_absolute_url()), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "public, max-age=86400"
    # Opened on its own, the drawing still runs nothing (it holds no script; this says so to the browser too).
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _absolute(url: str) -> str:
    return url if url.startswith(("https://", "http://")) else settings.SITE_URL + url


def _article_context(article, form, request) -> dict:
    translations = list(Article.objects.published().filter(translation_of=article).only("code", "language"))
    if article.translation_of and article.translation_of.is_visible():
        translations.append(article.translation_of)
    previous, following = queries.neighbours(article) if article.is_visible() else (None, None)
    return {
        "previous": previous,
        "next": following,
        # Absolute addresses from the site's own (LAUREL_SITE_URL), never the request's Host: the page is cached and
        # served to every visitor (core/pagecache.py).
        "page_url": settings.SITE_URL + article.get_absolute_url(),
        "cover_url": _absolute(article.cover.url) if article.cover else "",
        "share": sharing.links(
            settings.SITE_URL + article.get_absolute_url(),
            article.title,
            reverse("news:article_qr", kwargs={"code": article.code}),
        ),
        "article": article,
        "tags": article.tags.all(),
        "comments": article.comments.visible(),
        "form": form,
        "related": related.related_articles(article) if article.is_visible() else [],
        "translations": translations,
    }


# Staff pages


class NewsStaffMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.can_manage_news)


class StaffSectionsView(NewsStaffMixin, FormView):
    """Staff add and rename the news sections; each section's page and feeds follow."""

    form_class = SectionForm
    template_name = "news/staff_sections.html"

    def get_instance(self):
        return get_object_or_404(Section, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sections=Section.objects.annotate(article_count=Count("articles")).order_by("order", "pk"),
            editing=self.get_instance(),
            **kwargs,
        )

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.SECTION_FIELDS}
        try:
            services.save_section(self.get_instance(), actor=self.request.user, data=data)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("news:staff_sections")


class StaffArticleListView(NewsStaffMixin, ListView):
    template_name = "news/staff_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Article.objects.order_by("-updated_at")

    def get_context_data(self, **kwargs):
        finished = Event.objects.order_by("-start_at")[:30]
        campaigns = Campaign.objects.filter(stage=Stage.PUBLISHED).order_by("-published_at")[:30]
        return super().get_context_data(events=finished, campaigns=campaigns, **kwargs)


def editor_csp() -> dict:
    """The site's policy, plus this response's nonce for scripts and styles: the rich-text editor's modules are
    found through an import map, which can only be an inline `<script type="importmap">`, and its engine (Tiptap)
    looks for a `<style data-tiptap-style>` element, given empty with the nonce so it does not write its own (its
    rules are in news/editor.css). Only the staff's article form carries these two nonce'd elements."""
    policy = dict(settings.SECURE_CSP)
    for directive in ("script-src", "style-src"):
        policy[directive] = [*policy.get(directive, [CSP.SELF]), CSP.NONCE]
    return policy


class ArticleFormView(NewsStaffMixin, FormView):
    form_class = ArticleForm
    template_name = "news/article_form.html"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response._csp_config = editor_csp()
        return response

    def get_instance(self):
        return get_object_or_404(Article, code=self.kwargs["code"]) if "code" in self.kwargs else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.get_instance(), image_form=ArticleImageForm(), **kwargs)

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.ARTICLE_FIELDS if name in form.cleaned_data}
        data["format"] = form.body_format
        cover = self.request.FILES.get("cover")
        try:
            article = services.save_article(
                self.get_instance(), actor=self.request.user, data=data, tags=form.tag_names(), cover=cover
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(article.get_staff_url())


class EditorMessages(NewsStaffMixin, JavaScriptCatalog):
    """The editor's words in the page's language, as Django's JavaScript catalog (it defines `window.gettext`, which
    the editor's dialogs call, and news/editor.js for the menu's names): only those words (marked in news/forms.py),
    and as the news catalog translates them (another app's "Title" is an honorary title, not a link's)."""

    domain = "django"

    def get_catalog(self):
        try:
            news = gettext_module.translation("django", NEWS_LOCALE, [to_locale(get_language())])
        except OSError:  # English, the source language: no catalog, the editor's own words
            return {}
        return {key: value for key, value in news._catalog.items() if key in EDITOR_MESSAGES}


@require_POST
def upload_image(request):
    """A picture for the editor (staff): answered with the panel showing it, its credit and a button that inserts
    it as a figure into the article (news/editor.js), or the snippet to paste."""
    denied = _require(request, permissions.can_manage_news)
    if denied:
        return denied
    form = ArticleImageForm(request.POST, request.FILES)
    image = None
    if form.is_valid():
        try:
            image = services.upload_article_image(
                form.cleaned_data["image"],
                actor=request.user,
                alt=form.cleaned_data["alt"],
                credit=form.cleaned_data["credit"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ArticleImageForm()
    context = {"image_form": form, "image": image}
    template = "news/image_panel.html" if request.htmx else "news/image_uploaded.html"
    return render(request, template, context, status=200 if image or request.htmx else 400)


@require_POST
def publish(request, code):
    denied = _require(request, permissions.can_manage_news)
    if denied:
        return denied
    article = get_object_or_404(Article, code=code)
    try:
        if request.POST.get("action") == "unpublish":
            services.unpublish_article(article, actor=request.user)
            messages.success(request, _("The article is a draft again."))
        else:
            article = services.publish_article(article, actor=request.user)
            if article.status == Article.Status.SCHEDULED:
                messages.success(request, _("The article is scheduled."))
            else:
                messages.success(request, _("The article is published."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(article.get_staff_url())


@require_POST
def draft_from_event(request):
    denied = _require(request, permissions.can_manage_news)
    if denied:
        return denied
    event = get_object_or_404(Event, code=request.POST.get("event", "")[:12])
    try:
        article = services.draft_report_from_event(event, actor=request.user, language=get_language())
    except ValidationError as error:
        report_errors(request, error)
        return redirect("news:staff_list")
    messages.success(request, _("A draft report was prefilled from the event."))
    return redirect(article.get_staff_url())


@require_POST
def draft_from_campaign(request):
    denied = _require(request, permissions.can_manage_news)
    if denied:
        return denied
    campaign = get_object_or_404(Campaign, code=request.POST.get("campaign", "")[:12])
    try:
        article = services.draft_report_from_campaign(campaign, actor=request.user, language=get_language())
    except ValidationError as error:
        report_errors(request, error)
        return redirect("news:staff_list")
    messages.success(request, _("A draft report was prefilled from the campaign."))
    return redirect(article.get_staff_url())


def moderation_queue(request):
    denied = _require(request, permissions.can_moderate_comments)
    if denied:
        return denied
    comments = (
        Comment.objects.exclude(status=Comment.Status.APPROVED).select_related("article").order_by("status", "-pk")
    )
    return render(request, "news/moderation_queue.html", {"comments": comments[:200]})


@require_POST
def moderate(request, pk):
    denied = _require(request, permissions.can_moderate_comments)
    if denied:
        return denied
    comment = get_object_or_404(Comment, pk=pk)
    status = request.POST.get("status", "")
    if status not in (Comment.Status.APPROVED, Comment.Status.SPAM):
        messages.error(request, _("Choose approve or spam."))
        return redirect("news:moderation_queue")
    try:
        services.moderate_comment(comment, status=status, actor=request.user)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("Comment moderated."))
    return redirect("news:moderation_queue")
