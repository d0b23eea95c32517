"""The return request form: for each line of a delivered order, how many to send back
and why. Built from the order's lines; returns.services.return_request decides."""

from django import forms


class ReturnRequestForm(forms.Form):
    def __init__(self, *args, order_lines, returnable: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for line in order_lines:
            most = max(returnable.get(line.pk, 0), 0)
            qty_name, reason_name = f"quantity_{line.pk}", f"reason_{line.pk}"
            self.fields[qty_name] = forms.TypedChoiceField(
                label=f"Quantity of {line.name} to return",
                choices=[(n, str(n)) for n in range(0, most + 1)],
                coerce=int,
                initial=0,
                required=False,
                disabled=most == 0,
            )
            self.fields[reason_name] = forms.CharField(
                label=f"Reason for returning {line.name}",
                max_length=500,
                required=False,
                disabled=most == 0,
            )
            self.rows.append(
                {
                    "line": line,
                    "returnable": most,
                    "quantity": self[qty_name],
                    "reason": self[reason_name],
                }
            )

    def clean(self):
        cleaned = super().clean()
        chosen = 0
        for row in self.rows:
            line = row["line"]
            quantity = cleaned.get(f"quantity_{line.pk}") or 0
            if quantity:
                chosen += 1
                if not (cleaned.get(f"reason_{line.pk}") or "").strip():
                    self.add_error(f"reason_{line.pk}", "Please tell us why you return this item.")
        if not chosen:
            raise forms.ValidationError("Choose at least one item to return.")
        return cleaned

    def items(self) -> list[dict]:
        return [
            {
                "product_id": row["line"].product_id,
                "quantity": self.cleaned_data[f"quantity_{row['line'].pk}"],
                "reason": self.cleaned_data[f"reason_{row['line'].pk}"].strip(),
            }
            for row in self.rows
            if self.cleaned_data.get(f"quantity_{row['line'].pk}")
        ]
