from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bi18.navigation import AdminCard


def _manages_groups(user) -> bool:
    return user.has_perm("accounts.manage_network_groups")


def _approves(user) -> bool:
    return user.has_perm("accounts.manage_users") or user.has_perm("accounts.manage_network_groups")


def _imports(user) -> bool:
    return user.has_perm("accounts.import_target_group")


# The administration page's cards of this app (staffing and the target-group import).
ADMIN_CARDS = (
    AdminCard(
        key="approvals",
        title=_("Approvals"),
        text=_(
            "Four eyes: approve the roles and the access to families that another "
            "administrator granted."
        ),
        url_name="staffing:approvals",
        order=30,
        visible=_approves,
    ),
    AdminCard(
        key="orphans",
        title=_("Families without a coordinator"),
        text=_(
            "Open families whose network group has no active coordinator or member, for "
            "example after a handover."
        ),
        url_name="staffing:orphans",
        order=40,
        visible=_manages_groups,
    ),
    AdminCard(
        key="import",
        title=_("Import target group"),
        text=_(
            "Upload the register extract of the target group. You see a dry run before "
            "anything is saved."
        ),
        url_name="families:import",
        order=50,
        visible=_imports,
    ),
)


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Families")

    def ready(self) -> None:
        from bi18.navigation import NavItem, register_admin_card, register_nav_item

        register_nav_item(
            NavItem(
                key="families",
                label=_("Families"),
                url_name="families:list",
                order=20,
                visible=lambda user: user.has_perm("accounts.access_case_data"),
            )
        )
        for card in ADMIN_CARDS:
            register_admin_card(card)
        from django.db.models.signals import post_delete, post_save

        from bi18.audit.citizens import CitizenDirectory, register_citizen_directory
        from bi18.audit.labels import register_event
        from families.access import PERSON, register_policy
        from families.cpr import cpr_hash, parse_cpr
        from families.events import EVENTS
        from families.models import NetworkMember, Person, PersonAssignment

        for name, label in EVENTS.items():
            register_event(name, label)

        def person_by_hash(digest: str):
            # Deliberately not Person.objects.visible_to(): answering a citizen's request
            # for access is the administrator's duty; only name and case number are used.
            return Person.objects.select_related("family").filter(cpr_hash=digest).first()

        register_policy(PERSON)
        from families.privacy import SOURCE
        from families.registry import register_personal_data

        register_personal_data(SOURCE)
        register_citizen_directory(
            CitizenDirectory(parse=parse_cpr, digest=cpr_hash, person_by_hash=person_by_hash)
        )

        from bi18.accounts.deactivation import register_deactivation_check
        from families.staffing.selectors import handover_block

        register_deactivation_check("families.handover", handover_block)

        # Memberships and assignments drive access: a change drops cached scopes.
        for model in (NetworkMember, PersonAssignment):
            for signal in (post_save, post_delete):
                signal.connect(_scope_changed, sender=model, dispatch_uid=f"scope:{model}:{signal}")


def _scope_changed(**kwargs) -> None:
    from families.scope import scope_changed

    scope_changed()
