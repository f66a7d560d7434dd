from django.urls import path

from thidua.mailgateway import views

app_name = "mailgateway"
urlpatterns = [
    path("", views.triage, name="triage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tep/<int:index>/", views.attachment, name="attachment"),
    path("<int:pk>/nop/", views.file, name="file"),
    path("<int:pk>/tu-choi/", views.reject, name="reject"),
]
