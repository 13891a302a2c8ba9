"""Every extension registry rejects a second, different registration under a taken key
(issue 10 §3), and accepts the very same object again (a ready() that runs twice)."""

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured

from bi18 import health, navigation
from bi18.accounts import deactivation
from bi18.audit import citizens, labels
from families import access, registry
from families.history import recorder
from families.staffing import registry as staffing
from families.worklist import registry as worklist


def _first(mapping: dict):
    key = next(iter(mapping))
    return key, mapping[key]


def _other(value):
    """An object different from `value` (a copy of a dataclass with another field)."""
    if dataclasses.is_dataclass(value):
        name = next(f.name for f in dataclasses.fields(value) if f.name != "key")
        return dataclasses.replace(value, **{name: object()})
    return lambda *args, **kwargs: None


CASES = [
    ("family panel", registry._family_panels, registry.register_family_panel),
    # Deadlines and forecasts share one registry: a forecast cannot take a deadline's key.
    ("deadline kind", worklist._deadline_kinds, worklist.register_deadline_kind),
    ("demo seeder", registry._demo_seeders, registry.register_demo_seeder),
    ("personal data", registry._personal_data, registry.register_personal_data),
    ("encrypted store", registry._encrypted_stores, registry.register_encrypted_store),
    ("family-created hook", registry._family_created_hooks, registry.register_family_created_hook),
    ("access policy", access._policies, access.register_policy),
    ("audit event", labels._LABELS, labels.register_event),
    ("health check", health._checks, health.register_health_check),
    ("deactivation check", deactivation._checks, deactivation.register_deactivation_check),
    ("navigation item", navigation._items, navigation.register_nav_item),
    ("admin card", navigation._admin_cards, navigation.register_admin_card),
    ("landing page", navigation._landing_pages, navigation.register_landing_page),
    ("family page", registry._family_pages, registry.register_family_page),
]


@pytest.mark.parametrize(("what", "mapping", "register"), CASES, ids=[c[0] for c in CASES])
def test_a_taken_key_is_rejected_and_the_same_object_accepted(what, mapping, register):
    assert mapping, f"no {what} is registered"
    key, value = _first(mapping)
    by_key = dataclasses.is_dataclass(value)

    def call(v):
        return register(v) if by_key else register(key, v)

    with pytest.raises(ImproperlyConfigured, match="already registered"):
        call(_other(value))
    assert mapping[key] is value
    call(value)  # idempotent
    assert mapping[key] is value


def test_change_history_rejects_a_model_registered_with_other_fields():
    model, tracked = _first(recorder._tracked)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        recorder.register(model, family="other__family", person=tracked.person)
    recorder.register(model, family=tracked.family, person=tracked.person)  # same again
    assert recorder._tracked[model] is tracked


def test_assignment_handover_rejects_a_second_hook_under_a_taken_key():
    role, hooks = _first(staffing._hooks)
    key, hook = _first(hooks)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        staffing.register_assignment_handover(key, role, lambda **kw: None)
    staffing.register_assignment_handover(key, role, hook)
    assert staffing._hooks[role][key] is hook


def test_citizen_directory_rejects_a_second_directory():
    current = citizens._registered()
    other = dataclasses.replace(current, parse=lambda value: value)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        citizens.register_citizen_directory(other)
    citizens.register_citizen_directory(current)
    assert citizens._registered() is current
