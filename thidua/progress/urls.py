from django.urls import path

from thidua.progress import views

app_name = "progress"
urlpatterns = [
    path("<slug:slug>/chi-tieu/", views.dashboard, name="dashboard"),
    path("<slug:slug>/chi-tieu/<str:code>/", views.indicator_detail, name="indicator"),
    path("<slug:slug>/so-lieu/<str:code>/", views.entry, name="entry"),
    path("<slug:slug>/so-lieu/<str:code>/mau.xlsx", views.template, name="template"),
    path("<slug:slug>/so-lieu/<str:code>/tai-len/", views.upload, name="upload"),
    path("<slug:slug>/so-lieu/<str:code>/ky-xac-nhan/", views.signoff_submit, name="signoff_submit"),
    path("<slug:slug>/hoat-dong/<str:code>/", views.events, name="events"),
    path("<slug:slug>/kiem-tra-so-lieu/", views.rules_report, name="rules"),
    path("<slug:slug>/ma-tran/", views.steering_matrix, name="matrix"),
    path("<slug:slug>/xac-nhan-so-lieu/", views.signoffs, name="signoffs"),
    path("<slug:slug>/xac-nhan-so-lieu/<int:signoff_id>/", views.signoff_decide, name="signoff_decide"),
]
