from django.urls import reverse

from bi18.navigation import nav_items


def navigation(request):
    """The main navigation, by permission (SPEC §9); the apps register its items."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": [
            (item.key, item.label, reverse(item.url_name))
            for item in nav_items()
            if item.visible(user)
        ]
    }
