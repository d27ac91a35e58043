from django.urls import path

from .rules import SwapStep
from .views import lines, sessions

app_name = "counselling"
urlpatterns = [
    path("counselling/lines/", lines.line_list_view, name="lines"),
    path("counselling/lines/new/", lines.line_new_view, name="line_new"),
    path("counselling/lines/<int:help_line_id>/", lines.line_detail_view, name="line"),
    path("counselling/lines/<int:help_line_id>/roster/", lines.roster_view, name="roster"),
    path(
        "counselling/lines/<int:help_line_id>/register.xlsx",
        lines.register_export_view,
        name="register_export",
    ),
    path(
        "counselling/lines/<int:help_line_id>/import/",
        lines.register_import_view,
        name="register_import",
    ),
    path(
        "counselling/register/template.xlsx",
        lines.register_template_view,
        name="register_template",
    ),
    path(
        "counselling/register/errors/<str:import_token>/",
        lines.register_import_errors_view,
        name="register_import_errors",
    ),
    path("counselling/helpers/<int:helper_id>/", lines.helper_detail_view, name="helper"),
    path("counselling/shifts/<int:shift_id>/remove/", lines.shift_remove_view, name="shift_remove"),
    path("counselling/shifts/<int:shift_id>/swap/", lines.shift_swap_view, name="shift_swap"),
    path("counselling/gaps/", lines.gaps_view, name="gaps"),
    path("counselling/swaps/", lines.swap_list_view, name="swaps"),
    path("counselling/swaps/<int:swap_id>/", lines.swap_detail_view, name="swap"),
    *[
        path(
            f"counselling/swaps/<int:swap_id>/{step.value}/",
            lines.swap_step_view(step.value),
            name=f"swap_{step.value}",
        )
        for step in SwapStep
    ],
    path("counselling/sessions/", sessions.session_list_view, name="sessions"),
    path("counselling/sessions/new/", sessions.session_new_view, name="session_new"),
    path("counselling/sessions/<int:session_id>/", sessions.session_detail_view, name="session"),
    path(
        "counselling/sessions/<int:session_id>/follow-up/",
        sessions.session_follow_up_view,
        name="session_follow_up",
    ),
    path("counselling/events/", sessions.event_list_view, name="events"),
    path("counselling/events/<int:class_id>/", sessions.event_detail_view, name="event"),
    path("p/counselling/shifts/", sessions.my_shifts_view, name="my_shifts"),
]
