from django.core.management.base import BaseCommand

from domain.members.demo import demo_accounts_ensure


class Command(BaseCommand):
    help = "Create or reset the demo member and operator of every site (development only)."

    def handle(self, *args, **options):
        rows = demo_accounts_ensure()
        self.stdout.write("Demo accounts (site, role, ID, password):")
        for site, role, username, password in rows:
            self.stdout.write(f"  {site:<18} {role:<9} {username:<11} {password}")
        self.stdout.write(
            "Operators sign in to /admin/ and the browsable API as '<site>/<ID>', "
            "e.g. 'yongin-library/operator1'."
        )
