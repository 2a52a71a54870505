from django.http import JsonResponse
from django.shortcuts import render

from .errors import HeardError
from .validation import unstorable_character


def _query_problem(request) -> HeardError | None:
    """A query parameter holding a character no database can store, as the error to answer.

    Refused before any view runs, so pages and the API answer it the same on SQLite and
    PostgreSQL (which would otherwise raise on a NUL in a filter).
    """
    for key, values in request.GET.lists():
        for text in [key, *values]:
            problem = unstorable_character(text)
            if problem:
                return HeardError("invalid", f"The parameter “{key[:40]}” contains {problem}; remove it.", key[:80])
    return None


class HeardErrorMiddleware:
    """Turns a HeardError that escaped a view into a 4xx page (or JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _query_problem(request)
        if problem is not None:
            return self.error_response(request, problem)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, HeardError):
            return None
        return self.error_response(request, exception)

    @staticmethod
    def error_response(request, error: HeardError):
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=error.status)
        return render(request, "core/error.html", {"error": error}, status=error.status)
