"""Returns' part of a person's data (see accounts/personal_data.py). Returns hold no
personal data of their own (the person is their order's); an open one blocks erasure."""

from returns.models import Return, ReturnStatus

OPEN_RETURN_STATUSES = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED)


def export(user) -> dict:
    from returns.api.serializers import ReturnSerializer

    returns = Return.objects.filter(order__user=user).with_details().order_by("created_at", "id")
    return {"returns": ReturnSerializer(returns, many=True).data}


def open_items(user) -> list[str]:
    rows = (
        Return.objects.filter(order__user=user, status__in=OPEN_RETURN_STATUSES)
        .order_by("created_at", "id")
        .values_list("pk", "status")
    )
    return [f"return #{pk} is {status}" for pk, status in rows]


def erase(user) -> None:
    """Nothing to replace: a return's lines and reasons are about products, and its
    link to the person goes through the order, whose account is erased."""
