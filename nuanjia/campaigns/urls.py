from django.urls import path

from . import goods_urls, screening_urls
from .views import campaigns

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", campaigns.campaign_list_view, name="list"),
    path("campaigns/new/", campaigns.campaign_new_view, name="new"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail_view, name="detail"),
    path("campaigns/<int:campaign_id>/status/", campaigns.campaign_status_view, name="status"),
    path(
        "campaigns/<int:campaign_id>/activities/new/",
        campaigns.activity_new_view,
        name="activity_new",
    ),
    path(
        "campaigns/activities/<int:activity_id>/", campaigns.activity_detail_view, name="activity"
    ),
    *goods_urls.urlpatterns,
    *screening_urls.urlpatterns,
]
