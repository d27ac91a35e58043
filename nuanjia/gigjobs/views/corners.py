"""Corner pages (零工客栈): the corners in scope, setting one up and changing it, a corner's
page with its figures (each opening its rows), posts and gig workers; the job posts and
the gig workers of the corners; the corner register in and out as Excel."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.flash import attempt, saved
from nuanjia.core.imports import ImportForm, imported_context, owned_error_sheet, template_response
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.money import format_yuan
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..imports_register import CORNER_SHEET, import_corners, write_corner_template
from ..measures import corner_figures
from ..rules import PostStatus

CORNER_EXPORT = ListExport("gigjobs.corners", _lazy("Gig-job corner register"), (
    column("名称", "name"), column("地区代码", "region_code"), column("地址", "address"),
    column("纬度", "lat"), column("经度", "lng"), column("开放时间", "opening_hours"),
    column("服务项目", "services"), column("电话", "phone"), column(_lazy("Union"), "org.name"),
))  # fmt: skip


def _corner_of(request):
    value = request.GET.get("corner", "")
    return queries.get_corner_for(request.user, value) if value.isdigit() else None


@requires(Perm.VIEW_BUSINESS)
def corner_list_view(request):
    corners = queries.visible_corners(request.user)
    if query := request.GET.get("q", "").strip():
        corners = corners.filter(name__icontains=query)
    page = queries.CORNER_LIST.page(corners, request.GET)
    return render(request, "gigjobs/corner_list.html", {
        "page": page, "q": query, "query": page.query,
        "may_add": services.may_manage(request.user, request.user.org) if request.user.org else False,
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def corner_new_view(request):
    form = forms.CornerForm(request.POST or None)
    corner = saved(
        request, form,
        lambda: services.create_corner(request.user.org, by=request.user, **form.cleaned_data),
        _("The corner has been set up."),
    )  # fmt: skip
    if corner is not None:
        return redirect("gigjobs:corner", gig_corner_id=corner.pk)
    return render(request, "gigjobs/form.html", {"form": form, "title": _("Set up a corner")})


@requires(Perm.VIEW_BUSINESS)
def corner_edit_view(request, gig_corner_id: int):
    corner = queries.get_corner_for(request.user, gig_corner_id)
    initial = {key: getattr(corner, key) for key in forms.CornerForm.base_fields}
    form = forms.CornerForm(request.POST or None, initial=initial)
    if request.method == "POST":
        corner = queries.get_corner_for(request.user, gig_corner_id, write=True)
        done = saved(
            request, form,
            lambda: services.change_corner(corner, by=request.user, **form.cleaned_data),
            _("The corner has been changed."),
        )  # fmt: skip
        if done is not None:
            return redirect("gigjobs:corner", gig_corner_id=corner.pk)
    return render(request, "gigjobs/form.html", {"form": form, "title": corner.name})


@requires(Perm.VIEW_BUSINESS)
def corner_detail_view(request, gig_corner_id: int):
    corner = queries.get_corner_for(request.user, gig_corner_id)
    posts = queries.visible_posts(request.user).filter(corner=corner, status=PostStatus.OPEN)
    return render(request, "gigjobs/corner_detail.html", {
        "corner": corner, "figures": corner_figures(corner),
        "posts": posts.order_by("-created_at", "-pk")[:20],
        "may_change": services.may_manage(request.user, corner.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def corner_export_view(request):
    corners = queries.CORNER_LIST.ordered(queries.visible_corners(request.user))
    return CORNER_EXPORT.download(request, corners, {})


@requires(Perm.VIEW_BUSINESS)
def corner_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": CORNER_SHEET.columns}
    if request.method == "POST":
        if request.user.org is None or not services.may_manage(request.user, request.user.org):
            deny(request.user, "gigjobs.corners.import", request.path)
        context |= imported_context(
            request, form,
            lambda upload, **how: import_corners(request.user.org, upload, by=request.user, **how),
        )  # fmt: skip
    return render(request, "gigjobs/corner_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def corner_import_errors_view(request, import_token: str):
    return owned_error_sheet(request, import_token, filename="零工客栈导入错误.xlsx",
                             what="corner import error sheet")  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_GET
def corner_template_view(request):
    return template_response(write_corner_template, filename="零工客栈导入模板.xlsx")


# ---- job posts -------------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def post_list_view(request):
    posts = queries.visible_posts(request.user)
    corner = _corner_of(request)
    if corner is not None:
        posts = posts.filter(corner=corner)
    status = request.GET.get("status", "")
    if status in PostStatus.values:
        posts = posts.filter(status=status)
    page = queries.POST_LIST.page(posts, request.GET)
    return render(request, "gigjobs/post_list.html", {
        "page": page, "corner": corner, "statuses": PostStatus.choices, "status": status,
        "query": page.query,
    })  # fmt: skip


def _create_post(request, corner, form):
    """The post through the service; a refused pay (`pay_fen`) shows on the 元 field."""
    try:
        return services.create_post(corner, by=request.user, **form.values(corner))
    except services.RuleViolation as error:
        if error.field == "pay_fen":
            error.field = "pay"
        raise


@requires(Perm.VIEW_BUSINESS)
def post_new_view(request, gig_corner_id: int):
    corner = queries.get_corner_for(request.user, gig_corner_id)
    form = forms.PostForm(request.POST or None, initial={"address": corner.address})
    if request.method == "POST":
        corner = queries.get_corner_for(request.user, gig_corner_id, write=True)
    post = saved(request, form, lambda: _create_post(request, corner, form),
                 _("The job post has been entered."))  # fmt: skip
    if post is not None:
        return redirect("gigjobs:post", gig_post_id=post.pk)
    title = _("New job post at %(corner)s") % {"corner": corner.name}
    return render(request, "gigjobs/form.html", {"form": form, "title": title})


@requires(Perm.VIEW_BUSINESS)
def post_detail_view(request, gig_post_id: int):
    post = queries.get_post_for(request.user, gig_post_id)
    workers = queries.visible_workers(request.user).filter(
        corner=post.corner, is_active=True, available_until__gte=post.starts_on,
        available_from__lte=post.ends_on,
    ).exclude(matches__post=post)[:200]  # fmt: skip
    form = forms.ProposeForm(request.POST or None, workers=workers)
    if request.method == "POST":
        post = queries.get_post_for(request.user, gig_post_id, write=True)
        by_pk = {str(w.pk): w for w in workers}
        match = saved(
            request, form,
            lambda: services.propose_match(post, by_pk[form.cleaned_data["gig_worker"]],
                                           by=request.user),
            _("The match has been proposed; it waits for the worker's consent."),
        )  # fmt: skip
        if match is not None:
            return redirect("gigjobs:match", gig_match_id=match.pk)
    return render(request, "gigjobs/post_detail.html", {
        "post": post, "pay": format_yuan(post.pay_fen), "form": form,
        "matches": queries.visible_matches(request.user).filter(post=post),
        "may_change": services.may_manage(request.user, post.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def post_close_view(request, gig_post_id: int):
    post = queries.get_post_for(request.user, gig_post_id, write=True)
    attempt(request, lambda: services.close_post(post, by=request.user),
            _("The job post has been closed."))  # fmt: skip
    return redirect("gigjobs:post", gig_post_id=post.pk)


# ---- gig workers -----------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def worker_list_view(request):
    workers = queries.visible_workers(request.user)
    corner = _corner_of(request)
    if corner is not None:
        workers = workers.filter(corner=corner)
    page = queries.WORKER_LIST.page(workers, request.GET)
    return render(request, "gigjobs/worker_list.html", {"page": page, "corner": corner,
                                                       "query": page.query})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def worker_new_view(request, gig_corner_id: int):
    corner = queries.get_corner_for(request.user, gig_corner_id)
    form = forms.WorkerForm(request.POST or None)
    if request.method == "POST":
        corner = queries.get_corner_for(request.user, gig_corner_id, write=True)
    gig = saved(
        request, form,
        lambda: services.register_worker(corner, by=request.user, **form.cleaned_data),
        _("The gig worker has been registered."),
    )  # fmt: skip
    if gig is not None:
        return redirect("gigjobs:worker", gig_worker_id=gig.pk)
    title = _("Register a gig worker at %(corner)s") % {"corner": corner.name}
    return render(request, "gigjobs/form.html", {"form": form, "title": title})


@requires(Perm.VIEW_BUSINESS)
def worker_detail_view(request, gig_worker_id: int):
    gig = queries.get_worker_for(request.user, gig_worker_id)
    return render(request, "gigjobs/worker_detail.html", {
        "gig": gig, "matches": queries.visible_matches(request.user).filter(gig_worker=gig),
    })  # fmt: skip
