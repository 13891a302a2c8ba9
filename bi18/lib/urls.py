"""Danish words in the address bar for values the code keeps in English (issue 16 §4).

A `DanishSlugConverter` subclass maps the code's English keys (record kinds, decisions) to
Danish slugs: views receive the key, `reverse()` and `{% url %}` take the key and write the
slug, so callers never spell the Danish word. tests/test_danish_urls.py reads every
converter's `slugs` together with the literal path segments.
"""


class DanishSlugConverter:
    slugs: dict[str, str] = {}  # English key -> Danish slug
    regex = "[a-z0-9-]+"

    def to_python(self, value: str) -> str:
        for key, slug in self.slugs.items():
            if slug == value:
                return key
        raise ValueError(value)

    def to_url(self, value: str) -> str:
        try:
            return self.slugs[value]
        except KeyError:
            raise ValueError(value) from None
