from django.urls import path

from thidua.accounts import views

app_name = "accounts"
urlpatterns = [
    path("doi-mat-khau/", views.PasswordChange.as_view(), name="password_change"),
    path("quen-mat-khau/", views.PasswordReset.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.PasswordResetSent.as_view(), name="password_reset_sent"),
    path("dat-lai/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("dat-lai/xong/", views.PasswordResetDone.as_view(), name="password_reset_done"),
    path("xac-thuc-hai-buoc/", views.two_factor, name="two_factor"),
    path("nhap-ma/", views.verify, name="verify"),
]
