from django.urls import path

from units import views

app_name = "units"

urlpatterns = [
    path("", views.account_list, name="accounts"),
    path("<int:user_id>/", views.account_detail, name="account"),
    path("<int:user_id>/reset-link/", views.account_reset_link, name="account_reset_link"),
    path("unlock/", views.account_unlock, name="account_unlock"),
]
