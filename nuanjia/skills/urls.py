from django.urls import path

from .rules import SettlementStep
from .views import certificates, contests, courses, settlements

app_name = "skills"
urlpatterns = [
    path("skills/courses/", courses.course_list_view, name="courses"),
    path("skills/courses/new/", courses.course_new_view, name="course_new"),
    path("skills/providers/new/", courses.provider_new_view, name="provider_new"),
    path("skills/courses/<int:sk_course_id>/", courses.course_detail_view, name="course"),
    path(
        "skills/courses/<int:sk_course_id>/trainees.xlsx",
        courses.trainee_export_view,
        name="trainee_export",
    ),
    path(
        "skills/courses/<int:sk_course_id>/import/", courses.enrol_import_view, name="enrol_import"
    ),
    path("skills/register/template.xlsx", courses.enrol_template_view, name="enrol_template"),
    path(
        "skills/register/errors/<str:import_token>/",
        courses.enrol_import_errors_view,
        name="enrol_import_errors",
    ),
    path("skills/sessions/<int:sk_session_id>/", courses.attendance_view, name="attendance"),
    path("skills/trainees/<int:sk_enrolment_id>/exam/", courses.exam_view, name="exam"),
    path(
        "skills/courses/<int:sk_course_id>/settle/",
        settlements.settlement_prepare_view,
        name="settlement_prepare",
    ),
    path("skills/settlements/", settlements.settlement_list_view, name="settlements"),
    path(
        "skills/settlements/<int:sk_settlement_id>/",
        settlements.settlement_detail_view,
        name="settlement",
    ),
    *[
        path(
            f"skills/settlements/<int:sk_settlement_id>/{step.value}/",
            settlements.settlement_step_view(step.value),
            name=f"settlement_{step.value}",
        )
        for step in SettlementStep
    ],
    path("skills/certificates/", certificates.certificate_list_view, name="certificates"),
    path(
        "skills/certificates/export.xlsx",
        certificates.certificate_export_view,
        name="certificate_export",
    ),
    path("skills/certificates/new/", certificates.certificate_new_view, name="certificate_new"),
    path("skills/contests/", contests.contest_list_view, name="contests"),
    path("skills/contests/new/", contests.contest_new_view, name="contest_new"),
    path("skills/contests/<int:sk_contest_id>/", contests.contest_detail_view, name="contest"),
    path(
        "skills/contests/<int:sk_contest_id>/results.xlsx",
        contests.contest_results_view,
        name="contest_results",
    ),
    path("skills/entrants/<int:sk_entrant_id>/", contests.entrant_result_view, name="entrant"),
    path("skills/academies/", contests.academy_list_view, name="academies"),
    path("skills/academies/<int:sk_academy_id>/", contests.academy_detail_view, name="academy"),
    path("m/skills/certificates/", certificates.my_certificates_view, name="my_certificates"),
]
