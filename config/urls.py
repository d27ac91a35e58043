import os

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.i18n import set_language

from nuanjia.api import api


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the static file."""
    return redirect(static("nuanjia/favicon.ico"), permanent=True)


# bench/members.py's floor: the member pages' device look-up alone, only for a bench's server.
BENCH_PATTERNS = []
if os.environ.get("NUANJIA_BENCH") == "1":
    from nuanjia.benefits import bench_views as benefits_bench_views
    from nuanjia.campaigns import bench_views as partner_bench_views
    from nuanjia.members import bench_views

    BENCH_PATTERNS = [
        path("m/bench/device/", bench_views.device_view),
        # bench/partners.py's floor: the partner API's token look-up alone.
        path("bench/partner/device/", partner_bench_views.partner_device_view),
        # bench/benefits.py's floor: the token look-up and one bare redemption INSERT.
        path("bench/benefits/insert/", benefits_bench_views.insert_view),
    ]

# The API first: it is the busiest prefix (the public 12351 intake) and would otherwise be
# tried after every page pattern of every app.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("nuanjia.desk.urls")),
    path("", include("nuanjia.orgs.urls")),
    path("", include("nuanjia.people.urls")),
    path("", include("nuanjia.people.import_urls")),
    *BENCH_PATTERNS,
    path("", include("nuanjia.members.urls")),
    path("", include("nuanjia.hardship.urls")),
    path("", include("nuanjia.funds.urls")),
    path("", include("nuanjia.relief.urls")),
    path("", include("nuanjia.stations.urls")),
    path("", include("nuanjia.hotline.urls")),
    path("", include("nuanjia.campaigns.urls")),
    path("", include("nuanjia.produce.urls")),
    path("", include("nuanjia.mutualaid.urls")),
    path("", include("nuanjia.benefits.urls")),
    path("", include("nuanjia.enterprises.urls")),
    path("", include("nuanjia.counselling.urls")),
    path("", include("nuanjia.skills.urls")),
    path("", include("nuanjia.gigjobs.urls")),
    path("", include("nuanjia.pioneers.urls")),
    path("", include("nuanjia.modelworkers.urls")),
    path("", include("nuanjia.reports.urls")),
    path("accounts/", include("nuanjia.accounts.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("djadmin/", admin.site.urls),
    path("favicon.ico", favicon),
    # The accessibility statement: for anyone, linked from the public and member pages' footers.
    path(
        "accessibility/",
        login_not_required(TemplateView.as_view(template_name="accessibility.html")),
        name="accessibility",
    ),
]
