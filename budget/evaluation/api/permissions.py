"""Who may use the read-only API: managers' and evaluators' scopes only (issue 15 §3)."""

from rest_framework.permissions import BasePermission

# Aggregates (targets, budget, evaluation figures): managers and evaluators.
AGGREGATE_PERMS = ("accounts.view_dashboard", "accounts.view_evaluation")


class ReadsAggregates(BasePermission):
    message = "Only managers and evaluators may use the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and any(user.has_perm(p) for p in AGGREGATE_PERMS)
            and not user.has_perm("accounts.access_case_data")
        )


class ReadsEvaluation(BasePermission):
    message = "Only managers and evaluators may read the evaluation."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.has_perm("accounts.view_evaluation")
            and not user.has_perm("accounts.access_case_data")
        )


class ExportsExtract(BasePermission):
    message = "Only evaluators may download the pseudonymised extract."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.has_perm("accounts.export_evaluation")
            and not user.has_perm("accounts.access_case_data")
        )
