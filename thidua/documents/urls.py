from django.urls import path

from thidua.documents import views

app_name = "documents"
urlpatterns = [
    path("<slug:slug>/van-ban/<slug:kind>/", views.download, name="download"),
]
