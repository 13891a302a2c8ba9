from django.shortcuts import render

from families.custody.keys import keys_verified


class CprKeyCheckMiddleware:
    """Serve nothing with CPR keys that do not belong to the stored data: a clear 503
    page instead of a 500 on the first reveal or searches that silently find nobody.
    /healthz still answers (it reports the problem)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            result = keys_verified()
            if not result.ok:
                return render(
                    request, "custody/keys_mismatch.html", {"problems": result.problems}, status=503
                )
        return self.get_response(request)
