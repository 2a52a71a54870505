from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo workspace 'demo' with its products, stakeholders and more. Running it twice adds nothing."

    def handle(self, *args, **options):
        from heard.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo

        summary = load_demo()
        for line in summary:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo login: {DEMO_LOGIN} / {DEMO_PASSWORD}"))
