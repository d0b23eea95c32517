"""The storefront's catalog pages: home, the filtered list, the product page.

Each renders base.html (cart count, account menu, messages) for the visitor around a
body that is the same for everyone and cached (catalog/fragments.py)."""

from django.http import Http404
from django.shortcuts import redirect, render

from catalog.fragments import catalog_body, home_body, page_context, product_body


def home(request):
    return render(request, "catalog/home.html", page_context(home_body(), request))


def product_list(request):
    fragment = catalog_body(request.GET)
    return render(
        request,
        "catalog/product_list.html",
        {**page_context(fragment, request), "page": fragment["page"]},
    )


def product_detail(request, pk: int, slug: str):
    fragment = product_body(
        product_id=pk,
        photo=request.GET.get("photo", ""),
        quantity=request.GET.get("quantity", "1"),
    )
    if fragment is None:
        raise Http404("No such product.")
    product = fragment["product"]
    if slug != product["slug"]:
        return redirect("catalog:product", pk=pk, slug=product["slug"], permanent=True)
    return render(
        request,
        "catalog/product_detail.html",
        {**page_context(fragment, request), "product": product},
    )
