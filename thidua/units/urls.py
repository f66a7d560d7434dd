from django.urls import path

from thidua.units import views

app_name = "units"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("tim-kiem/", views.search, name="search"),
    path("chon/", views.pick, name="pick"),
    path("<str:code>/", views.unit_detail, name="detail"),
    path("<str:code>/xuat.<str:fmt>", views.unit_export, name="export"),
    path("<str:code>/nhap/", views.unit_import, name="import"),
    path("<str:code>/sua/", views.unit_edit, name="edit"),
    path("<str:code>/lich-su/", views.unit_history, name="history"),
    path("<str:code>/vai-tro/", views.unit_roles, name="roles"),
]
