"""Reads about returns worth naming."""

from django.db.models import Sum

from returns.models import ReturnLine, ReturnStatus


def returnable_quantities(*, order) -> dict[int, int]:
    """{order_line_id: quantity still returnable}: bought minus what non-rejected
    returns already claim. For showing the form; returns.services re-checks under lock."""
    claimed = dict(
        ReturnLine.objects.filter(return_request__order=order)
        .exclude(return_request__status=ReturnStatus.REJECTED)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    return {line.pk: line.quantity - claimed.get(line.pk, 0) for line in order.lines.all()}
