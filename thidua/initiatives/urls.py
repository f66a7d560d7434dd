from django.urls import path

from thidua.initiatives import views

app_name = "initiatives"
urlpatterns = [
    # Public: the gallery, submitting, the e-mail confirmation and the private tracking link.
    path("", views.gallery, name="gallery"),
    path("thu-vien/<str:code>/", views.public_detail, name="public_detail"),
    path("gui/", views.submit, name="submit"),
    path("gui/kiem-tra-thu/", views.sent, name="sent"),
    path("xac-nhan/<str:token>/", views.confirm, name="confirm"),
    path("theo-doi/<str:token>/", views.track, name="track"),
    path("theo-doi/<str:token>/tep/<int:file_id>/", views.track_download, name="track_download"),
    # Signed in: authors, unit officers, reviewers, the coordinator.
    path("cua-toi/", views.mine, name="mine"),
    path("cham-diem/", views.reviews, name="reviews"),
    path("quan-ly/", views.manage, name="list"),
    path("quan-ly.xlsx", views.export, name="export"),
    path("quan-ly/cong-bo/", views.publish, name="publish"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("ho-so/<str:code>/tep/<int:file_id>/", views.download, name="download"),
    path("ho-so/<str:code>/tra-loi/", views.answer, name="answer"),
    path("ho-so/<str:code>/hoi/", views.ask, name="ask"),
    path("ho-so/<str:code>/phan-cong/", views.assign, name="assign"),
    path("ho-so/<str:code>/cham-diem/", views.score, name="score"),
    path("ho-so/<str:code>/quyet-dinh/", views.decide, name="decide"),
    path("ho-so/<str:code>/sang-loc/", views.screen, name="screen"),
    path("ho-so/<str:code>/gop/", views.merge, name="merge"),
    path("ho-so/<str:code>/chuyen/", views.forward, name="forward"),
    path("chuyen/<int:forwarding_id>/tra-loi/", views.respond, name="respond"),
    path("chuyen/<int:forwarding_id>/ket-qua/", views.result, name="result"),
]
