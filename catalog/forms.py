"""The product page's add-to-cart form. It posts to the cart (sales), which owns the
rules; the form only shapes the input and offers a sensible maximum."""

from django import forms

from catalog.limits import MAX_LINE_QUANTITY


class AddToCartForm(forms.Form):
    product_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label="Quantity",
        min_value=1,
        max_value=MAX_LINE_QUANTITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, stock: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a hint for browsers: the cart service checks stock, and a typed bigger
        # number (no JS, old browser) gets its explanation from there.
        if stock:
            self.fields["quantity"].widget.attrs["max"] = min(stock, MAX_LINE_QUANTITY)
