from django.urls import path

from networkgroup.views import export, group, interpreters, meetings, overview, plan

app_name = "networkgroup"

urlpatterns = [
    path("moeder/", overview.my_meetings, name="my_meetings"),
    # Network group
    path("grupper/", group.group_admin_list, name="group_admin_list"),
    path("<int:family_pk>/gruppe/", group.group_page, name="group"),
    path(
        "<int:family_pk>/gruppe/kandidater/",
        group.member_candidates,
        name="member_candidates",
    ),
    path(
        "<int:family_pk>/gruppe/<int:member_pk>/fjern/",
        group.group_member_remove,
        name="group_member_remove",
    ),
    path(
        "<int:family_pk>/gruppe/<int:member_pk>/koordinator/",
        group.group_member_coordinator,
        name="group_member_coordinator",
    ),
    # The family plan
    path("<int:family_pk>/plan/", plan.plan_page, name="plan"),
    path("<int:family_pk>/plan/tilstede/", plan.presence, name="presence"),
    path("<int:family_pk>/plan/revideret/", plan.plan_review, name="plan_review"),
    path("<int:family_pk>/plan/historik/", plan.plan_history, name="plan_history"),
    path("<int:family_pk>/plan/udskriv/", export.plan_print, name="plan_print"),
    path("<int:family_pk>/plan/pdf/<str:language>/", export.plan_pdf, name="plan_pdf"),
    path("<int:family_pk>/plan/maal/ny/", plan.goal_create, name="goal_create"),
    path("<int:family_pk>/plan/maal/<int:goal_pk>/", plan.goal_header, name="goal"),
    path("<int:family_pk>/plan/maal/<int:goal_pk>/blok/", plan.goal_block, name="goal_block"),
    path("<int:family_pk>/plan/maal/<int:goal_pk>/rediger/", plan.goal_edit, name="goal_edit"),
    path(
        "<int:family_pk>/plan/maal/<int:goal_pk>/historik/",
        plan.goal_history,
        name="goal_history",
    ),
    path(
        "<int:family_pk>/plan/maal/<int:goal_pk>/handlinger/ny/",
        plan.action_create,
        name="action_create",
    ),
    path(
        "<int:family_pk>/plan/maal/<int:goal_pk>/handlinger/knap/",
        plan.action_add_button,
        name="goal_add_button",
    ),
    path("<int:family_pk>/plan/handlinger/<int:action_pk>/", plan.action_row, name="action"),
    path(
        "<int:family_pk>/plan/handlinger/<int:action_pk>/rediger/",
        plan.action_edit,
        name="action_edit",
    ),
    # Meetings
    path("<int:family_pk>/moeder/", meetings.meeting_list, name="meeting_list"),
    path("<int:family_pk>/moeder/nyt/", meetings.meeting_create, name="meeting_create"),
    path("<int:family_pk>/moeder/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("<int:family_pk>/moeder/<int:pk>/rediger/", meetings.meeting_edit, name="meeting_edit"),
    path(
        "<int:family_pk>/moeder/<int:pk>/referat/", meetings.meeting_minutes, name="meeting_minutes"
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/godkend/", meetings.meeting_approve, name="meeting_approve"
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/tillaeg/",
        meetings.meeting_addendum,
        name="meeting_addendum",
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/beslutninger/",
        meetings.meeting_decision,
        name="meeting_decision",
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/beslutninger/liste/",
        meetings.meeting_decision_list,
        name="meeting_decision_list",
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/dagsorden/",
        meetings.meeting_agenda,
        name="meeting_agenda",
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/tolk/ny/",
        interpreters.interpreter_booking,
        name="meeting_interpreter_create",
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/tolk/<int:booking_pk>/",
        interpreters.interpreter_booking,
        name="meeting_interpreter_edit",
    ),
    path(
        "<int:family_pk>/moeder/<int:pk>/dokumenter/",
        meetings.meeting_document,
        name="meeting_document",
    ),
]
