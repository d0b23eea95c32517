"""Storefront address book: list, add, edit, delete. Every lookup is among the
logged-in customer's own addresses (another's id is a 404); writes go through
accounts.addresses."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from accounts.addresses import address_create, address_delete, address_update
from accounts.models import Address
from petshop.core.exceptions import DomainError
from petshop.core.storefront import post_or_back_to


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "label",
            "name",
            "line1",
            "line2",
            "postal_code",
            "city",
            "region",
            "country",
            "phone",
            "is_default",
        ]
        labels = {"name": "Full name", "is_default": "Use as my default address"}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }


def _own(request, address_id: int) -> Address:
    return get_object_or_404(Address.objects.filter(user=request.user), pk=address_id)


@login_required
def address_list(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                address_create(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, "The address is saved.")
                return redirect("accounts:address_list")
        status = 400
    else:
        status = 200
    addresses = Address.objects.filter(user=request.user)
    return render(
        request,
        "accounts/address_list.html",
        {"addresses": addresses, "form": form},
        status=status,
    )


@login_required
def address_edit(request, address_id: int):
    address = _own(request, address_id)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST":
        if form.is_valid():
            address_update(address=_own(request, address_id), **form.cleaned_data)
            messages.success(request, "The address is saved. Placed orders keep their own copy.")
            return redirect("accounts:address_list")
        return render(request, "accounts/address_edit.html", {"form": form}, status=400)
    return render(request, "accounts/address_edit.html", {"form": form})


@login_required
@post_or_back_to("accounts:address_list")
def address_delete_view(request, address_id: int):
    address_delete(address=_own(request, address_id))
    messages.success(request, "The address is deleted. Placed orders keep their own copy.")
    return redirect("accounts:address_list")
