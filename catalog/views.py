"""The storefront's catalog pages: home, the filtered list, the product page.

Each renders base.html (cart count, account menu, messages) for the visitor around a
body that is the same for everyone and cached (catalog/fragments.py); for a visitor
without a session the whole page is (fragments.render_page)."""

from django.http import Http404
from django.shortcuts import redirect

from catalog.fragments import catalog_body, home_body, page_context, product_body, render_page


def home(request):
    return render_page(
        request, "catalog/home.html", lambda token: page_context(home_body(), request, token)
    )


def product_list(request):
    def context(token):
        fragment = catalog_body(request.GET)
        return {**page_context(fragment, request, token), "page": fragment["page"]}

    return render_page(request, "catalog/product_list.html", context)


def product_detail(request, pk: int, slug: str):
    def context(token):
        fragment = product_body(
            product_id=pk,
            photo=request.GET.get("photo", ""),
            quantity=request.GET.get("quantity", "1"),
        )
        if fragment is None or slug != fragment["product"]["slug"]:
            return None
        return {**page_context(fragment, request, token), "product": fragment["product"]}

    response = render_page(request, "catalog/product_detail.html", context)
    if response is not None:
        return response
    fragment = product_body(product_id=pk, photo="", quantity="1")
    if fragment is None:
        raise Http404("No such product.")
    return redirect("catalog:product", pk=pk, slug=fragment["product"]["slug"], permanent=True)
