"""Links to objects at the price of one reverse() per response, not one per link.

DRF's hyperlinked fields reverse the view's route again for every object they
link to, which on a page of 20 costs more CPU than the page's own query. The
route is the same for every object but its key: these fields reverse it once per
response, with a placeholder for the key, and fill in each object's key.
"""

from urllib.parse import quote

from django.urls import NoReverseMatch
from rest_framework import serializers

# Stands for an object's key in the one URL reversed per response; any key that a
# router's default lookup pattern accepts may hold these characters.
_KEY = "__key__"
# What Django's reverse() leaves unquoted in a path segment.
_SAFE = "!$&'()*+,;=~:@"


class _LinkTemplate:
    def get_url(self, obj, view_name, request, format):  # noqa: A002 (DRF's name)
        key = getattr(obj, self.lookup_field)
        if format or key in (None, ""):
            return super().get_url(obj, view_name, request, format)
        # The serializer's context lives as long as the response, and a page's
        # objects share their serializer's: the URLs are found once per response.
        templates = self.context.setdefault("link_templates", {})
        name = (view_name, self.lookup_url_kwarg)
        if name not in templates:
            try:
                url = self.reverse(view_name, kwargs={self.lookup_url_kwarg: _KEY}, request=request)
            except NoReverseMatch:
                url = ""  # a route whose pattern refuses the placeholder: reverse each key
            prefix, found, suffix = url.partition(_KEY)
            templates[name] = (prefix, suffix) if found else None
        if templates[name] is None:
            return super().get_url(obj, view_name, request, format)
        prefix, suffix = templates[name]
        # An integer key, the usual one, needs no quoting.
        text = str(key) if isinstance(key, int) else quote(str(key), safe=_SAFE)
        return prefix + text + suffix


class HyperlinkedIdentityField(_LinkTemplate, serializers.HyperlinkedIdentityField):
    """An object's own url."""


class HyperlinkedRelatedField(_LinkTemplate, serializers.HyperlinkedRelatedField):
    """A link to a related object."""


class HyperlinkedModelSerializer(serializers.HyperlinkedModelSerializer):
    """DRF's, with the links above for url and for related objects."""

    serializer_url_field = HyperlinkedIdentityField
    serializer_related_field = HyperlinkedRelatedField
