from django.urls import path

from thidua.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("nap-dinh-nghia/", views.campaign_upload, name="upload"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/dinh-nghia.yaml", views.campaign_definition, name="definition"),
    path("<slug:slug>/trang-thai/", views.campaign_status, name="status"),
    path("<slug:slug>/sao-chep/", views.campaign_copy, name="copy"),
    path("<slug:slug>/don-vi-cua-toi/", views.my_unit, name="my_unit"),
    path("<slug:slug>/sua/", views.campaign_edit, name="edit"),
    path("<slug:slug>/sua/hoat-dong/<str:code>/", views.campaign_edit_activity, name="edit_activity"),
    path("<slug:slug>/sua/<slug:section>/", views.campaign_edit_section, name="edit_section"),
    path("<slug:slug>/lich-su/", views.campaign_history, name="history"),
]
