from django.utils.functional import SimpleLazyObject

from bi18.lib.fixed_urls import fixed_url
from bi18.navigation import nav_items


def _visible_items(user) -> list[tuple]:
    return [
        (item.key, item.label, fixed_url(item.url_name))
        for item in nav_items()
        if item.visible(user)
    ]


def navigation(request):
    """The main navigation, by permission (SPEC §9); the apps register its items.
    Lazy: a fragment or a page without the navbar asks no permission for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: _visible_items(user))}
