from django.http import JsonResponse
from django.shortcuts import render

from .errors import HeardError


class HeardErrorMiddleware:
    """Turns a HeardError that escaped a view into a 4xx page (or JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, HeardError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(exception.as_dict(), status=exception.status)
        return render(request, "core/error.html", {"error": exception}, status=exception.status)
