from django.urls import path

from thidua.submissions import views

app_name = "submissions"
urlpatterns = [
    path("<slug:slug>/don-vi/<str:code>/", views.unit_tasks, name="unit_tasks"),
    path("<slug:slug>/dang-ky/", views.registration_board, name="registration_board"),
    path("<slug:slug>/dang-ky/<str:code>/", views.registration, name="registration"),
    path("<slug:slug>/tien-do/", views.board, name="board"),
    path("<slug:slug>/tien-do.xlsx", views.board_export, name="board_export"),
    path("<slug:slug>/nhan-tin/", views.message_new, name="message_new"),
    path("<slug:slug>/tin-da-gui/", views.message_list, name="message_list"),
    path("<slug:slug>/tin-da-gui/<int:message_id>/", views.message_detail, name="message"),
    path("<slug:slug>/tien-do/<str:milestone_code>/tep.zip", views.milestone_zip, name="milestone_zip"),
    path("<slug:slug>/nop/<str:milestone_code>/<str:code>/", views.milestone_unit, name="milestone"),
    path("<slug:slug>/nop/<str:milestone_code>/<str:code>/gia-han/", views.deadline_exception, name="exception"),
    path("<slug:slug>/xet/<int:submission_id>/", views.review, name="review"),
    path("<slug:slug>/bien-nhan/<str:number>/", views.receipt, name="receipt"),
    path("<slug:slug>/tep/<int:file_id>/", views.download, name="download"),
]
