from django.urls import path

from tasks.views import (
    alignment,
    imports,
    instructions,
    lists,
    meetings,
    plan_import,
    planning,
    plans,
    reports,
)

app_name = "tasks"
urlpatterns = [
    path("plans/", plans.plan_list, name="plans"),
    path("plans/import/", plan_import.plan_import, name="plan_import"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("plans/<int:plan_id>/ledger.xlsx", lists.plan_ledger, name="ledger"),
    path("plans/<int:plan_id>/alignment/", alignment.plan_alignment, name="alignment"),
    path("plans/<int:plan_id>/coverage/", alignment.plan_coverage, name="coverage"),
    path("plans/<int:plan_id>/import/", imports.progress_import, name="import"),
    path("plans/<int:plan_id>/carry-over/", planning.plan_carry_over, name="carry_over"),
    path("plans/<int:plan_id>/archive/", planning.plan_archive, name="archive"),
    path("plans/<int:plan_id>/unarchive/", planning.plan_unarchive, name="unarchive"),
    path(
        "units/<int:unit_id>/plans/<int:plan_id>/template.xlsx",
        imports.fill_template,
        name="template",
    ),
    path("tasks/", lists.task_list, name="list"),
    path("tasks/<int:task_id>/", plans.task_detail, name="task"),
    path("tasks/<int:task_id>/report/", reports.report_create, name="report"),
    path("tasks/<int:task_id>/close/", reports.task_close, name="close"),
    path("tasks/<int:task_id>/reopen/", reports.task_reopen, name="reopen"),
    path("tasks/<int:task_id>/remind/", reports.remind_task, name="remind_task"),
    path("units/<int:unit_id>/", plans.unit_detail, name="unit"),
    path("units/<int:unit_id>/remind/", reports.remind_unit, name="remind_unit"),
    path("help/lights/", plans.help_lights, name="help_lights"),
    path(
        "tasks/<int:task_id>/instructions/new/",
        instructions.instruction_add,
        name="instruction_add",
    ),
    path(
        "instructions/<int:instruction_id>/answer/",
        instructions.instruction_answer,
        name="instruction_answer",
    ),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/bulletin.docx", meetings.meeting_bulletin, name="bulletin"),
    path(
        "meetings/<int:meeting_id>/plans/<int:plan_id>/ledger.xlsx",
        meetings.meeting_ledger,
        name="meeting_ledger",
    ),
    path("reports/review/", reports.review_list, name="review"),
    path("reports/<int:report_id>/edit/", reports.report_edit, name="report_edit"),
    path(
        "reports/<int:report_id>/accept/",
        reports.report_review,
        {"decision": "accept"},
        name="accept",
    ),
    path(
        "reports/<int:report_id>/return/",
        reports.report_review,
        {"decision": "return"},
        name="return",
    ),
    path("attachments/<int:attachment_id>/", reports.attachment_download, name="attachment"),
]
