"""The filter backend of the API's lists."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds its form only for a filter asked for.

    django-filter builds and validates a form of every filter on every list
    request, even one without a filter in it, which costs about as much CPU as
    the page's own queries. A filter reads its own query parameter, or that name
    and a suffix after "_" (a range filter's name_min and name_max, ...): a request
    with none of those gets the list unfiltered, as the form would have left it.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not _asks_for_a_filter(request, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _asks_for_a_filter(request, filterset_class) -> bool:
    names = filterset_class.base_filters
    return any(key in names or key.rpartition("_")[0] in names for key in request.query_params)
