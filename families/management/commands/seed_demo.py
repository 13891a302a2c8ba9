"""manage.py seed_demo [--families N] [--seed S] [--append]: a fictitious pilot to try the app."""

from django.core.management.base import BaseCommand, CommandError

from families import demo


class Command(BaseCommand):
    help = (
        "Create fictitious demo data: families with parents and children, network groups, "
        "a demo user for every role and the track apps' demo data. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--families",
            type=int,
            default=demo.DEFAULT_FAMILIES,
            help="number of families (default 130)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--append",
            action="store_true",
            help="add families even though some exist (case numbers continue)",
        )

    def handle(self, *args, families, seed, append, **options):
        if families < 1:
            raise CommandError("--families must be at least 1.")
        verbose = options["verbosity"] >= 1
        try:
            result = demo.seed_demo(
                families=families,
                seed=seed,
                append=append,
                progress=(lambda message: self.stdout.write(message)) if verbose else None,
            )
        except demo.DemoDataExists:
            raise CommandError(
                "The database already holds families, so no demo data was added. "
                "Use --append to add demo families after them, or start from an empty database."
            ) from None
        except demo.RealDataExists:
            raise CommandError(
                "The database holds families that are not demo data, so no demo data was added: "
                "fictitious families are never mixed into real case data."
            ) from None
        if not verbose:
            return
        t = result.timings
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.families:,} families ({result.first_case_number} – "
                f"{result.last_case_number}), {result.parents:,} parents, {result.children:,} "
                f"children, {result.members:,} network-group members, {result.assignments:,} "
                f"assignments, {result.users_created} new users in {t['total']:.1f} s."
            )
        )
        self.stdout.write(
            f"  users {t['users']:.1f} s · generate {t['generate']:.1f} s · CPR hash + encryption "
            f"{t['cpr_hash_and_encrypt']:.1f} s · insert {t['insert']:.1f} s · "
            f"app seeders ({', '.join(result.seeders) or 'none'}) {t['seeders']:.1f} s"
        )
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for new demo users: {demo.DEMO_PASSWORD}):")
        width = max(len(u) for u, _label in result.logins)
        for username, label in result.logins:
            self.stdout.write(f"  {username.ljust(width)}  {label}")
        self.stdout.write(
            f"Two-factor code for new demo users: `manage.py demo_otp`, or the key "
            f"{demo.DEMO_TOTP_SECRET} in an authenticator app."
        )
