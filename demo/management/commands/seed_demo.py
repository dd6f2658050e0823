from django.core.management.base import BaseCommand

from demo.accounts import demo_accounts_ensure
from demo.corporates import COMPANY
from demo.purchases import APPROVED_AMOUNT, PENDING_AMOUNT


class Command(BaseCommand):
    help = (
        "Create or reset the demo member and operator of every site and the approved onnuri-biz "
        "demo company with its master, general admin and purchases (development only)."
    )

    def handle(self, *args, **options):
        rows = demo_accounts_ensure()
        self.stdout.write("Demo accounts (site, role, ID, password):")
        for site, role, username, password in rows:
            self.stdout.write(f"  {site:<18} {role:<13} {username:<11} {password}")
        number = COMPANY["business_number"]
        self.stdout.write(
            "Operators sign in to /admin/ and the browsable API as '<site>/<ID>', "
            "e.g. 'yongin-library/operator1'.\n"
            f"onnuri-biz: demomaster and demoadmin run the approved demo company "
            f"{COMPANY['name']} ({number[:3]}-{number[3:5]}-{number[5:]}), seeded with a purchase "
            f"of {APPROVED_AMOUNT:,} won approved (the dashboard's balance) and one of "
            f"{PENDING_AMOUNT:,} won pending.\n"
            "onnuri-biz API logins need an SMS code: POST auth/token/ answers otp_required and a\n"
            "verification_id; the worker prints the texted code (SMS_BACKEND=console, the\n"
            "`make run` terminal); POST it to auth/token/otp/ with the verification_id."
        )
