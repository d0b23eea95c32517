from petshop.core.exceptions import DomainError


class CategoryInUse(DomainError):
    code = "category_in_use"
    default_detail = "The category is still used by a product."


class PetTypeInUse(DomainError):
    code = "pet_type_in_use"
    default_detail = "The pet type is still used by a product."


class InsufficientStock(DomainError):
    """`items`: one `{product_id, requested, available}` per short line."""

    code = "insufficient_stock"
    default_detail = "Not enough stock."


class ProductUnavailable(DomainError):
    code = "product_unavailable"
    default_detail = "A product is no longer available."
