from django.urls import path

from thidua.practices import views

app_name = "practices"
urlpatterns = [
    # Public: the library, a published model's page, its photos and documents.
    path("", views.gallery, name="gallery"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("<int:pk>/anh/<int:file_id>/", views.photo, name="photo"),
    path("<int:pk>/tep/<int:file_id>/", views.public_download, name="public_download"),
    # Signed in: the units that write models, the campaign's coordinators who publish them.
    path("quan-ly/", views.manage, name="list"),
    path("them/<str:code>/", views.create, name="create"),
    path("ho-so/<int:pk>/", views.detail, name="detail"),
    path("ho-so/<int:pk>/sua/", views.edit, name="edit"),
    path("ho-so/<int:pk>/tep/<int:file_id>/", views.download, name="download"),
    path("ho-so/<int:pk>/gui/", views.submit, name="submit"),
    path("ho-so/<int:pk>/cong-bo/", views.publish, name="publish"),
    path("ho-so/<int:pk>/tra-lai/", views.return_practice, name="return"),
    path("ho-so/<int:pk>/go-khoi-thu-vien/", views.unpublish, name="unpublish"),
    path("ho-so/<int:pk>/noi-bat/", views.feature, name="feature"),
]
