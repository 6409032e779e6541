from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
]
