"""Shell pages: a county's home and the operator's home."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cunwu.plugins.host import hooks_for, installed_plugins


@login_required
def home(request: HttpRequest) -> HttpResponse:
    hooks = hooks_for(request.county)
    plugins = [info for slug, info in installed_plugins().items() if slug in hooks.enabled]
    return render(request, "web/home.html", {"plugins": plugins})


@login_required
def operator_home(request: HttpRequest) -> HttpResponse:
    from cunwu.tenancy.models import County

    return render(
        request, "web/operator_home.html", {"counties": County.objects.exclude(schema_name="public")}
    )
