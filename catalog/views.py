"""The storefront's catalog pages: home, the filtered list, the product page."""

from django.http import Http404
from django.shortcuts import redirect, render

from catalog.facets import product_facets
from catalog.filters import StorefrontProductFilter, filter_panel
from catalog.forms import AddToCartForm
from catalog.models import Product
from catalog.pages import product_detail as product_detail_data
from catalog.pages import product_featured, product_page_list
from catalog.search import cached_did_you_mean


def home(request):
    return render(request, "catalog/home.html", {"featured": product_featured()})


def product_list(request):
    filterset = StorefrontProductFilter(request.GET, queryset=Product.objects.active())
    filterset.form.is_valid()  # invalid values are shown as errors and ignored
    page = product_page_list(filterset=filterset, page=request.GET.get("page"))
    facets = product_facets(filterset=filterset, cache_parts=filterset.facet_cache_parts())
    term = filterset.search_term
    return render(
        request,
        "catalog/product_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "panel": filter_panel(facets=facets, form=filterset.form),
            # Only for a search that found nothing: the closest names instead.
            "did_you_mean": cached_did_you_mean(term) if term and not page["count"] else [],
        },
    )


def product_detail(request, pk: int, slug: str):
    data = product_detail_data(product_id=pk)
    if data is None:
        raise Http404("No such product.")
    if slug != data["product"]["slug"]:
        return redirect("catalog:product", pk=pk, slug=data["product"]["slug"], permanent=True)
    quantity = request.GET.get("quantity", "1")
    form = AddToCartForm(
        initial={"product_id": pk, "quantity": quantity}, stock=data["product"]["stock"]
    )
    photos = data["product"].get("photos") or []
    # ?photo=<id> picks the gallery's main photo (thumbnails are plain links, no script).
    chosen = request.GET.get("photo", "")
    photo = next((ph for ph in photos if str(ph["id"]) == chosen), photos[0] if photos else None)
    return render(request, "catalog/product_detail.html", {**data, "form": form, "photo": photo})
