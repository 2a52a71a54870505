from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heard.core.errors import HeardError
from heard.core.queries import product_by_ref
from heard.sessions import queries


class Command(BaseCommand):
    help = "Work with collaboration sessions. `heard sessions list --product WORKSPACE/PRODUCT [--upcoming]` lists them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        listing = sub.add_parser("list", help="List a product's sessions with their flags.")
        listing.add_argument("--product", required=True, help="WORKSPACE/PRODUCT, or a product slug unique across workspaces.")
        listing.add_argument("--upcoming", action="store_true", help="Only sessions that have not ended yet, soonest first.")
        listing.add_argument("--time-zone", default="", help="Show times in this IANA time zone (default: each session's own).")

    def handle(self, *args, verb, **options):
        try:
            product = product_by_ref(options["product"])
        except HeardError as exc:
            raise CommandError(exc.message) from None
        tz_name = options.get("time_zone") or ""
        if tz_name:
            from heard.core.validation import check_time_zone

            try:
                check_time_zone(tz_name)
            except HeardError as exc:
                raise CommandError(exc.message) from None
        # The command line is the system (an operator on the server): actor None.
        sessions = list(queries.sessions(None, product, upcoming=True if options["upcoming"] else None))
        if not sessions:
            self.stdout.write("No sessions.")
            return
        import zoneinfo

        for session in sessions:
            zone = zoneinfo.ZoneInfo(tz_name or session.time_zone)
            starts = timezone.localtime(session.starts_at, zone)
            flags = queries.session_flags(session)
            flag_text = f"  flags: {', '.join(sorted({f.code for f in flags}))}" if flags else ""
            state = "published" if session.is_published else "draft"
            self.stdout.write(
                f"{session.pk:>5}  {starts:%Y-%m-%d %H:%M} {zone.key:<20} {session.length_minutes:>4} min  "
                f"{session.get_channel_display():<20} {state:<9} {session.title}{flag_text}"
            )
