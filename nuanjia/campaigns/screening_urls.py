"""The screening drives' URLs (findings and their outcomes), included by campaigns.urls."""

urlpatterns: list = []
