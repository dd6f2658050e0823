from django.core.management.base import BaseCommand

from domain.sites.policy import VERIFICATION_METHODS
from domain.sites.services import site_policies_switch_off


class Command(BaseCommand):
    help = (
        "Switch verification methods and features off in every site's policy, e.g. "
        "`business_certificate library_upgrades` where no real provider is configured "
        "(backend.checks refuses to start the server otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="+", help="verification methods and/or features")

    def handle(self, *args, names, **options):
        methods = {name for name in names if name in VERIFICATION_METHODS}
        features = set(names) - methods
        changed = site_policies_switch_off(methods=methods, features=features)
        self.stdout.write(
            f"Switched off {', '.join(sorted(names))} in: {', '.join(changed) or 'no site'}."
        )
