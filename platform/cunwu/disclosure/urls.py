"""Pages of 公示 on a county's host: staff pages and the public portal (``public/``, no account)."""

from django.urls import path

from cunwu.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/supersede/", views.supersede, name="supersede"),
    path("public/", views.public_index, name="public_index"),
    path("public/<uuid:token>/", views.public_detail, name="public_detail"),
    path("public/<uuid:token>/pdf/", views.public_pdf, name="pdf"),
    path("public/<uuid:token>/files/<uuid:file_token>/", views.public_attachment, name="public_attachment"),
]
