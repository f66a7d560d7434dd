from django.urls import path

from thidua.commendation import views

app_name = "commendation"
urlpatterns = [
    path("<slug:slug>/xep-hang/", views.ranking, name="ranking"),
    path("<slug:slug>/xep-hang/<str:code>/", views.unit_result, name="unit"),
    path("<slug:slug>/tu-cham/<str:code>/", views.assessment, name="assessment"),
    path("<slug:slug>/tu-cham/<str:code>/cong-tru/", views.adjustment_add, name="adjustment_add"),
    path("<slug:slug>/tu-cham/<str:code>/cong-tru/rut/", views.adjustment_withdraw, name="adjustment_withdraw"),
    path("<slug:slug>/khen-thuong/", views.proposals, name="proposals"),
    path("<slug:slug>/khen-thuong/lap-tu-xep-hang/", views.proposals_draft, name="proposals_draft"),
    path("<slug:slug>/khen-thuong/trinh/", views.proposals_submit, name="proposals_submit"),
    path("<slug:slug>/khen-thuong/duyet/", views.proposal_decide, name="proposal_decide"),
    path("<slug:slug>/khen-thuong/rut/", views.proposal_withdraw, name="proposal_withdraw"),
    path("<slug:slug>/khen-thuong/quyet-dinh/", views.decision_record, name="decision_record"),
    path("<slug:slug>/khen-thuong/de-nghi/<str:code>/", views.propose, name="propose"),
]
