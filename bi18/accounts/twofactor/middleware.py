from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from bi18.accounts.twofactor.policy import second_factor_required
from bi18.accounts.twofactor.services import has_second_factor

# What a local log-in may reach before its second factor: the second-factor pages, log-out,
# the language switch and the health check.
_OPEN_VIEWS = {
    "accounts:second_factor_verify",
    "accounts:second_factor_enrol",
    "accounts:logout",
    "set_language",
    "healthz",
}


class SecondFactorMiddleware:
    """Sends a local log-in that still owes its second factor to the code (or enrolment) page.

    Runs after django-otp's OTPMiddleware, which tells whether this session has given one.
    Fails closed: any page not listed above is refused until then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_VIEWS:
            return None
        if not second_factor_required(request):
            return None
        name = "verify" if has_second_factor(user) else "enrol"
        target = reverse(f"accounts:second_factor_{name}")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
