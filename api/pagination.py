from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (≤ 100), answered as `count, next, previous, results` (SPEC §11)."""

    page_size_query_param = "page_size"
    max_page_size = 100
