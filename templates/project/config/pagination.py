"""The API's pages: DRF's page numbers, up to a last page the API serves."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of PAGE_SIZE, numbered up to max_page.

    A page deep in a list makes the database read and skip every row before it
    (OFFSET), which costs more the higher the number; a client that needs rows that
    far in should filter or search the list instead.
    """

    max_page = 1000

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        if str(number).isdigit() and int(number) > self.max_page:
            raise NotFound(f"Pages after {self.max_page} are not served; filter the list instead.")
        return number
