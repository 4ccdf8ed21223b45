from django.urls import path

from . import views, views_more

# included into the portal namespace (portal/urls.py)
urlpatterns = [
    path("supervision/", views.dashboard, name="supervision"),
    path("supervision/cases/", views.cases, name="supervision_cases"),
    path("supervision/export/", views_more.review_export, name="supervision_export"),
    path("supervision/notices/", views_more.notices, name="supervision_notices"),
    path("supervision/notices/<int:pk>/answer/", views_more.notice_answer,
         name="supervision_notice_answer"),
    path("supervision/my/", views_more.my_warnings, name="supervision_my"),
]
