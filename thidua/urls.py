from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from thidua.accounts import views as account_views
from thidua.api.v1 import routes as api_v1
from thidua.core import views as core_views
from thidua.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("dang-nhap/", account_views.SignIn.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("thidua.accounts.urls")),
    path("don-vi/", include("thidua.units.urls")),
    path("dot-thi-dua/", include("thidua.campaigns.urls")),
    path("dot-thi-dua/", include("thidua.submissions.urls")),
    path("dot-thi-dua/", include("thidua.progress.urls")),
    path("dot-thi-dua/", include("thidua.commendation.urls")),
    path("dot-thi-dua/", include("thidua.documents.urls")),
    path("thong-bao/", core_views.notifications, name="notifications"),
    path("nhap-ke-hoach/", include("thidua.planimport.urls")),
    path("sang-kien/", include("thidua.initiatives.urls")),
    path("mo-hinh/", include("thidua.practices.urls")),
    path("khoa-api/", include("thidua.api.urls")),
    path("api/v1/", api_v1.urls),
    path("thu-den/", include("thidua.mailgateway.urls")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "thidua.core.views.forbidden"
handler404 = "thidua.core.views.not_found"
handler400 = "thidua.core.views.bad_request"
