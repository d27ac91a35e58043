"""A urlconf with two views that forget scoping, to prove the walker catches them."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as real_urlpatterns
from nuanjia.orgs.models import Org


def leaky_detail(request, org_id: int):
    org = Org.objects.get(pk=org_id)  # no scoping: any county's union by id
    return HttpResponse(org.name)


def leaky_list(request):
    return HttpResponse(
        ", ".join(Org.objects.filter(kind="enterprise").values_list("name", flat=True))
    )


urlpatterns = [
    *real_urlpatterns,
    path("leaky/<int:org_id>/", leaky_detail),
    path("leaky-list/", leaky_list),
]
