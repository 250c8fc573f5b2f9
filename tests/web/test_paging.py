"""The shared pagination keeps a list's filters and search across pages."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_page_links_keep_the_filters_and_replace_the_page():
    request = RequestFactory().get("/orgs/residents/", {"q": "张", "group": "3", "page": "2"})
    page = Paginator(range(100), 10).get_page(2)
    html = render_to_string("web/_pagination.html", {"page": page}, request=request)
    assert "?q=%E5%BC%A0&amp;group=3&amp;page=1" in html
    assert "?q=%E5%BC%A0&amp;group=3&amp;page=3" in html
    assert "第 2 / 10 页" in html


def test_a_single_page_shows_no_pagination():
    request = RequestFactory().get("/orgs/residents/")
    page = Paginator(range(5), 10).get_page(1)
    assert render_to_string("web/_pagination.html", {"page": page}, request=request).strip() == ""
