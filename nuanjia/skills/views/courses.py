"""Training pages: providers and courses in scope, setting one up, a course's page (trainees
enrolled one by one by ID number or from the Excel register, sessions with attendance, each
trainee's exam with the certificate of a pass, the subsidy preview and its settlement)."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from nuanjia.core.flash import attempt, saved
from nuanjia.core.imports import ImportForm, imported_context, owned_error_sheet, template_response
from nuanjia.core.listexport import ListExport, column
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..imports_enrolment import REGISTER_SHEET, import_enrolments, write_register_template
from ..services.common import worker_named

TRAINEE_EXPORT = ListExport("skills.trainees", _lazy("Trainees"), (
    column("姓名", "worker.name"), column("身份证号", "worker.id_number_masked"),
    column(_lazy("Sessions attended"), "attended"),
    column(_lazy("Exam result"), "get_result_display"), column(_lazy("Score"), "score"),
    column(_lazy("Course"), "course.name"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def course_list_view(request):
    courses = queries.visible_courses(request.user)
    if query := request.GET.get("q", "").strip():
        courses = courses.filter(name__icontains=query)
    page = queries.COURSE_LIST.page(courses, request.GET)
    return render(request, "skills/course_list.html", {
        "page": page, "q": query, "providers": queries.visible_providers(request.user)[:50],
        "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def provider_new_view(request):
    form = forms.ProviderForm(request.POST or None)
    provider = saved(
        request, form,
        lambda: services.add_provider(request.user.org, by=request.user, **form.cleaned_data),
        _("The provider has been registered."),
    )  # fmt: skip
    if provider is not None:
        return redirect("skills:courses")
    return render(
        request, "skills/form.html", {"form": form, "title": _("Register a training provider")}
    )


@requires(Perm.VIEW_BUSINESS)
def course_new_view(request):
    form = forms.CourseForm(request.POST or None, providers=queries.visible_providers(request.user))
    course = saved(
        request, form,
        lambda: services.create_course(request.user.org, by=request.user, **form.cleaned_data),
        _("The course has been set up."),
    )  # fmt: skip
    if course is not None:
        return redirect("skills:course", sk_course_id=course.pk)
    return render(
        request, "skills/form.html", {"form": form, "title": _("Set up a training course")}
    )


@requires(Perm.VIEW_BUSINESS)
def course_detail_view(request, sk_course_id: int):
    course = queries.get_course_for(request.user, sk_course_id)
    form = forms.WorkerForm(request.POST or None, prefix="enrol")
    session_form = forms.SessionForm(request.POST or None, prefix="session")
    if request.method == "POST":
        course = queries.get_course_for(request.user, sk_course_id, write=True)
        if "session-topic" in request.POST:
            done: object = saved(request, session_form, lambda: services.add_session(
                course, by=request.user, **session_form.cleaned_data), _("The session has been added."))  # fmt: skip
        else:
            done = saved(request, form, lambda: services.enrol(course, worker_named(
                course.org, form.cleaned_data["id_number"], form.cleaned_data["name"]), by=request.user),
                _("The worker has been enrolled."))  # fmt: skip
        if done is not None:
            return redirect("skills:course", sk_course_id=course.pk)
    enrolments = queries.visible_enrolments(request.user).filter(course=course)
    trainees, amount = services.preview(course)
    return render(request, "skills/course_detail.html", {
        "course": course, "form": form, "session_form": session_form,
        "page": queries.ENROLMENT_LIST.page(enrolments, request.GET),
        "sessions": course.sessions.annotate(present=Count("attendance")), "trainees": trainees, "amount": amount,
        "settlements": queries.visible_settlements(request.user).filter(course=course),
        "may_change": services.may_manage(request.user, course.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def trainee_export_view(request, sk_course_id: int):
    course = queries.get_course_for(request.user, sk_course_id)
    rows = queries.visible_enrolments(request.user).filter(course=course).order_by("pk")
    return TRAINEE_EXPORT.download(request, rows, {"course": course.name})


@requires(Perm.VIEW_BUSINESS)
def attendance_view(request, sk_session_id: int):
    session = queries.get_session_for(request.user, sk_session_id)
    course = session.course
    enrolments = queries.visible_enrolments(request.user).filter(course=course)
    if request.method == "POST":
        session = queries.get_session_for(request.user, sk_session_id, write=True)
        ids = [int(pk) for pk in request.POST.getlist("enrolment") if pk.isdigit()]
        attempt(request, lambda: services.record_attendance(session, ids, by=request.user),
                _("The attendance has been recorded."))  # fmt: skip
        return redirect("skills:course", sk_course_id=course.pk)
    present = set(session.attendance.values_list("enrolment_id", flat=True))
    return render(request, "skills/attendance.html", {
        "session": session, "course": course, "enrolments": enrolments[:500], "present": present,
        "may_change": services.may_manage(request.user, course.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def exam_view(request, sk_enrolment_id: int):
    enrolment = queries.get_enrolment_for(request.user, sk_enrolment_id)
    form = forms.ExamForm(request.POST or None, initial={"issuer": enrolment.course.provider.name})
    if request.method == "POST":
        enrolment = queries.get_enrolment_for(request.user, sk_enrolment_id, write=True)
        done = saved(request, form, lambda: services.record_exam(
            enrolment, by=request.user, **form.cleaned_data), _("The exam result has been recorded."))  # fmt: skip
        if done is not None:
            return redirect("skills:course", sk_course_id=enrolment.course_id)
    return render(request, "skills/exam.html", {
        "form": form, "enrolment": enrolment, "certificate": services.certificate_of(enrolment),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def enrol_import_view(request, sk_course_id: int):
    course = queries.get_course_for(request.user, sk_course_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": REGISTER_SHEET.columns, "course": course}
    if request.method == "POST":
        course = queries.get_course_for(request.user, sk_course_id, write=True)
        if not services.may_manage(request.user, course.org):
            deny(request.user, "skills.enrolments.import", request.path)
        context |= imported_context(
            request, form, lambda upload, **how: import_enrolments(course, upload, by=request.user, **how)
        )  # fmt: skip
    return render(request, "skills/enrol_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def enrol_import_errors_view(request, import_token: str):
    return owned_error_sheet(
        request,
        import_token,
        filename="培训学员名册导入错误.xlsx",
        what="training register error sheet",
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def enrol_template_view(request):
    return template_response(write_register_template, filename="培训学员名册导入模板.xlsx")
