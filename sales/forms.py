"""Storefront forms of the cart and checkout. They shape input; the services decide."""

import uuid

from django import forms

from sales.models import MAX_LINE_QUANTITY


class CartLineForm(forms.Form):
    product_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label="Quantity",
        min_value=0,
        max_value=MAX_LINE_QUANTITY,
        help_text="0 removes the line.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CartRemoveForm(forms.Form):
    product_id = forms.IntegerField(widget=forms.HiddenInput)


class CheckoutForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=100)
    street = forms.CharField(label="Street and number", max_length=200)
    postal_code = forms.CharField(label="Postal code", max_length=20)
    city = forms.CharField(label="City", max_length=100)
    country = forms.CharField(label="Country", max_length=60)
    # Generated when the form is shown; a second submit of the same form (double click,
    # reload) replays the first order instead of placing another.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        for name in ("full_name", "street", "postal_code", "city", "country"):
            self.fields[name].widget.attrs["autocomplete"] = {
                "full_name": "name",
                "street": "street-address",
                "postal_code": "postal-code",
                "city": "address-level2",
                "country": "country-name",
            }[name]

    def shipping_address(self) -> str:
        data = self.cleaned_data
        return "\n".join(
            [
                data["full_name"],
                data["street"],
                f"{data['postal_code']} {data['city']}",
                data["country"],
            ]
        )


class ShippingAddressForm(forms.Form):
    """Changing the address of an order not yet confirmed (the service says when)."""

    shipping_address = forms.CharField(
        label="Shipping address",
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "shipping street-address"}),
    )
