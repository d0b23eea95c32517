"""Reads about returns worth naming."""

from django.db.models import Sum

from returns.models import ReturnLine, ReturnStatus


def claimed_quantities(*, order, exclude=None) -> dict[int, int]:
    """{order_line_id: quantity} that the order's non-rejected returns (but `exclude`)
    already claim. Rejected returns free what they asked for."""
    claims = ReturnLine.objects.filter(return_request__order=order).exclude(
        return_request__status=ReturnStatus.REJECTED
    )
    if exclude is not None:
        claims = claims.exclude(return_request=exclude)
    return dict(
        claims.values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )


def returnable_quantities(*, order) -> dict[int, int]:
    """{order_line_id: quantity still returnable}: bought minus what is claimed. For
    showing the form; returns.services re-checks under lock."""
    claimed = claimed_quantities(order=order)
    return {line.pk: line.quantity - claimed.get(line.pk, 0) for line in order.lines.all()}
