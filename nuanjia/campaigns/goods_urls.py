"""The goods pages' URLs (stock, purchases, hand-outs), included by campaigns.urls."""

urlpatterns: list = []
