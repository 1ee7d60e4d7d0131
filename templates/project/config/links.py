"""Links to objects at the price of a string concatenation each.

DRF's hyperlinked fields reverse the view's route again for every object they
link to, which on a page of 20 costs more CPU than the page's own query. The
route is the same for every object but its key: its path is reversed once per
process, with a placeholder for the key, and made absolute once per response;
each object's link is then that URL with the object's key in the placeholder.
"""

from functools import lru_cache
from urllib.parse import quote

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from rest_framework import serializers
from rest_framework.relations import Hyperlink

# Stands for an object's key in the URL reversed once; any key that a router's default
# lookup pattern accepts may hold these characters.
_KEY = "__key__"
# What Django's reverse() leaves unquoted in a path segment.
_SAFE = "!$&'()*+,;=~:@"


@lru_cache(maxsize=256)
def _path_with_placeholder(resolver, script_prefix, view_name, kwarg):
    """The route's path with _KEY for the key, or None if its pattern refuses _KEY.

    The resolver and the script prefix are part of the key, since the path depends on
    them: a test that changes ROOT_URLCONF gets a new resolver, and a new path.
    """
    try:
        path = reverse(view_name, kwargs={kwarg: _KEY})
    except NoReverseMatch:
        return None
    return path if _KEY in path else None


class _LinkTemplate:
    # (prefix, suffix) of the object's URL around its key once the field found it,
    # False when DRF's own way must build each link. A field belongs to one
    # serializer, made for one response, so it never outlives the request.
    _template = None

    def to_representation(self, value):
        if self._template is None:
            self._template = self._find_template()
        if self._template:
            key = getattr(value, self.lookup_field)
            if key not in (None, ""):
                prefix, suffix = self._template
                # An integer key, the usual one, needs no quoting.
                text = str(key) if isinstance(key, int) else quote(str(key), safe=_SAFE)
                return Hyperlink(prefix + text + suffix, value)
        return super().to_representation(value)

    def _find_template(self):
        context = self.context
        request = context.get("request")
        # DRF's way where it does more than reverse the route: a format suffix, a
        # versioning scheme, a subclass's own get_url.
        if (
            request is None
            or context.get("format")
            or getattr(request, "versioning_scheme", None) is not None
            or type(self).get_url is not serializers.HyperlinkedRelatedField.get_url
        ):
            return False
        path = _path_with_placeholder(
            get_resolver(get_urlconf()), get_script_prefix(), self.view_name, self.lookup_url_kwarg
        )
        if path is None:
            return False
        prefix, _, suffix = request.build_absolute_uri(path).partition(_KEY)
        return prefix, suffix


class HyperlinkedIdentityField(_LinkTemplate, serializers.HyperlinkedIdentityField):
    """An object's own url."""

    def get_attribute(self, instance):
        # The field's source is always "*", the object itself: DRF's way gets there
        # through three calls for every object of a page.
        return instance


class HyperlinkedRelatedField(_LinkTemplate, serializers.HyperlinkedRelatedField):
    """A link to a related object."""


class HyperlinkedModelSerializer(serializers.HyperlinkedModelSerializer):
    """DRF's, with the links above for url and for related objects."""

    serializer_url_field = HyperlinkedIdentityField
    serializer_related_field = HyperlinkedRelatedField
