from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve heard over HTTP with waitress, a production-grade WSGI server (static files via WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1; 0.0.0.0 for all).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--threads", type=int, default=8, help="Worker threads (default 8).")

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        if settings.PRODUCTION:
            # Before the WSGI app loads: WhiteNoise indexes STATIC_ROOT when it starts.
            call_command("collectstatic", interactive=False, verbosity=0)
        from heard.wsgi import application

        self.stdout.write(f"heard is serving at http://{host}:{port}/  (Ctrl+C to stop)")
        serve(application, host=host, port=port, threads=threads, ident="heard")
