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


NEW_ADDRESS = "new"
ADDRESS_FIELDS = ("full_name", "street", "postal_code", "city", "country")


class ShippingMethodChoice(forms.ModelChoiceField):
    goods = None  # the cart's goods amount, when known: labels then say the actual cost

    def label_from_instance(self, method):
        days = f", {method.estimated_days} working days" if method.estimated_days else ""
        free = f" (free from ${method.free_above})" if method.free_above is not None else ""
        price = method.price if self.goods is None else method.price_for(self.goods)
        return f"{method.name}: ${price:.2f}{free}{days}"


class CheckoutForm(forms.Form):
    """Checkout for a customer (a saved address or a new one, optionally saved) or a
    visitor (an email address instead of an account), and the shipping method when the
    shop has any. `user` is None for a visitor; `addresses` are the customer's."""

    email = forms.EmailField(
        label="Email address",
        help_text="Your confirmation, with a private link to follow the order, goes here.",
    )
    saved_address = forms.ChoiceField(label="Ship to", widget=forms.RadioSelect)
    full_name = forms.CharField(label="Full name", max_length=100, required=False)
    street = forms.CharField(label="Street and number", max_length=200, required=False)
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    city = forms.CharField(label="City", max_length=100, required=False)
    country = forms.CharField(label="Country", max_length=60, required=False)
    save_address = forms.BooleanField(label="Save this address in my address book", required=False)
    shipping_method = ShippingMethodChoice(
        label="Shipping", queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    # Generated when the form is shown; a second submit of the same form (double click,
    # reload) replays the first order instead of placing another.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user=None, addresses=(), shipping_methods=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.user = user
        self.addresses = {str(a.pk): a for a in addresses}
        if user is not None:
            del self.fields["email"]
        else:
            self.fields["email"].widget.attrs["autocomplete"] = "email"
            del self.fields["save_address"]
        if self.addresses:
            choices = [(pk, a.as_text().replace("\n", ", ")) for pk, a in self.addresses.items()]
            self.fields["saved_address"].choices = [*choices, (NEW_ADDRESS, "A new address")]
            default = next((pk for pk, a in self.addresses.items() if a.is_default), NEW_ADDRESS)
            self.fields["saved_address"].initial = default
        else:
            del self.fields["saved_address"]
        first = shipping_methods.first() if shipping_methods is not None else None
        if first is not None:
            self.fields["shipping_method"].queryset = shipping_methods
            self.fields["shipping_method"].initial = first.pk
        else:
            del self.fields["shipping_method"]
        for name in ADDRESS_FIELDS:
            self.fields[name].widget.attrs["autocomplete"] = {
                "full_name": "name",
                "street": "street-address",
                "postal_code": "postal-code",
                "city": "address-level2",
                "country": "country-name",
            }[name]

    @property
    def uses_new_address(self) -> bool:
        choice = (self.data.get("saved_address") if self.is_bound else None) or (
            self.fields["saved_address"].initial if "saved_address" in self.fields else None
        )
        return not self.addresses or choice in (None, NEW_ADDRESS)

    def clean(self):
        data = super().clean()
        if self.uses_new_address:
            for name in ADDRESS_FIELDS:
                if not (data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, "This field is required.")
        return data

    def address_id(self) -> int | None:
        choice = self.cleaned_data.get("saved_address")
        return None if self.uses_new_address or not choice else int(choice)

    def shipping_address(self) -> str | None:
        if not self.uses_new_address:
            return None
        data = self.cleaned_data
        return "\n".join(
            [
                data["full_name"],
                data["street"],
                f"{data['postal_code']} {data['city']}",
                data["country"],
            ]
        )

    def new_address_fields(self) -> dict:
        """The typed address in the address book's fields (for "save this address")."""
        data = self.cleaned_data
        return {
            "name": data["full_name"],
            "line1": data["street"],
            "postal_code": data["postal_code"],
            "city": data["city"],
            "country": data["country"],
        }

    def shipping_method_id(self) -> int | None:
        method = self.cleaned_data.get("shipping_method")
        return method.pk if method else None


class ShippingAddressForm(forms.Form):
    """Changing the address of an order not yet confirmed (the service says when)."""

    shipping_address = forms.CharField(
        label="Shipping address",
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "shipping street-address"}),
    )
