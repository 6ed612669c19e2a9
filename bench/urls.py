"""The product's URLs plus ``bench/bare/``: the reference views every figure is compared with."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/bare/", views.bare_page_view, name="bench_bare_page"),
    path("bench/bare/post/", views.bare_post_view, name="bench_bare_post"),
    path("", include("maturity_portal.urls")),
]
