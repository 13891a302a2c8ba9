from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render


@login_required
@permission_required("accounts.view_audit_log", raise_exception=True)
def audit_search(request):
    # TODO(helper): search form and citizen access report.
    return render(request, "audit/search.html", {})
