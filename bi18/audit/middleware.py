from bi18.audit.context import reset_request, set_request


class AuditContextMiddleware:
    """Makes the current request (user, IP) known to audit_log() without passing it down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request(request)
        try:
            return self.get_response(request)
        finally:
            reset_request(token)
