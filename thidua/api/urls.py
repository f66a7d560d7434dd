from django.urls import path

from thidua.api import views

app_name = "api"
urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("thu-hoi/", views.revoke, name="revoke"),
]
