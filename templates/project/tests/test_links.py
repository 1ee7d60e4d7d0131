"""Links built from one reversed URL (config/links.py) are the ones DRF builds."""

from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.urlpatterns import format_suffix_patterns

from config.links import HyperlinkedIdentityField


def _view(request, key):
    return HttpResponse()


urlpatterns = format_suffix_patterns(
    [
        path("things/<str:key>/", _view, name="thing-detail"),
        # A pattern that refuses the placeholder: each link is reversed on its own.
        path("numbered/<int:key>/", _view, name="numbered-detail"),
    ]
)

pytestmark = pytest.mark.urls(__name__)


def links(view_name, keys, request, **context):
    class Both(serializers.Serializer):
        ours = HyperlinkedIdentityField(view_name=view_name, lookup_field="key")
        drfs = serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field="key")

    objects = [SimpleNamespace(key=key) for key in keys]
    return Both(objects, many=True, context={"request": Request(request), **context}).data


@pytest.mark.parametrize(
    ("view_name", "keys"),
    [
        ("thing-detail", [1, 20, "word", "two words", "ünïcödé", "a:b@c", "it's", "50%"]),
        ("numbered-detail", [1, 20]),
    ],
)
@pytest.mark.parametrize("host", ["testserver", "api.example.com"])
def test_links_are_drfs(rf, settings, view_name, keys, host):
    settings.ALLOWED_HOSTS = [host]

    rows = links(view_name, keys, rf.get("/", HTTP_HOST=host))

    assert [row["ours"] for row in rows] == [row["drfs"] for row in rows]
    assert rows[0]["ours"].startswith(f"http://{host}/")


def test_a_format_suffix_is_drfs(rf):
    rows = links("thing-detail", ["a"], rf.get("/"), format="json")

    assert rows[0]["ours"] == rows[0]["drfs"]
