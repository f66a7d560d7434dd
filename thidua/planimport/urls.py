from django.urls import path

from thidua.planimport import views

app_name = "planimport"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/don-vi/", views.set_unit, name="set_unit"),
    path("<int:pk>/cong-bo/", views.publish, name="publish"),
]
