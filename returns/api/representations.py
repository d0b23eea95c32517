"""The returns API's Return document as a plain dict: what ReturnSerializer renders, byte
for byte (a test compares the two), without its per-field machinery (issue 14). The
refund rules stay on the models (refund_amount, refund_tax, refund_total)."""

from django.utils import timezone

from returns.models import Return
from sales.api.representations import moment, money


def return_documents(returns: list[Return]) -> list[dict]:
    """Each return needs its `order` and its lines with `order_line__order` loaded
    (Return.objects.with_details())."""
    zone = timezone.get_current_timezone()
    documents = []
    for ret in returns:
        lines = ret.lines.all()
        documents.append(
            {
                "id": ret.pk,
                "order_id": ret.order_id,
                "user_id": ret.user_id,
                "status": ret.status,
                "items": [
                    {
                        "product_id": line.product_id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "reason": line.reason,
                        "unit_price": money(line.unit_price),
                        "refund_amount": money(line.refund_amount),
                        "refund_tax": money(line.refund_tax),
                    }
                    for line in lines
                ],
                "refund_shipping": ret.refund_shipping,
                "shipping_refund": money(ret.shipping_refund),
                "refund_total": money(ret.refund_total),
                "admin_notes": ret.admin_notes,
                "created_at": moment(ret.created_at, zone),
                "updated_at": moment(ret.updated_at, zone),
                "processed_at": moment(ret.processed_at, zone),
            }
        )
    return documents


def return_document(ret: Return) -> dict:
    return return_documents([ret])[0]
