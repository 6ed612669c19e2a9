from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    """``?page=N`` and ``?page_size=N`` (at most 200); a page past the end answers 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
