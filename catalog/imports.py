"""Importing products from CSV: each row creates or updates one product (by sku)
through catalog.services, so every rule and the cache invalidation apply. A bad row is
reported with its line number and reason and does not stop the good ones."""

import csv
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from catalog.models import Category, PetType, Product
from catalog.services import product_create, product_update
from petshop.core.exceptions import DomainError

COLUMNS = [
    "sku",
    "name",
    "price",
    "category",
    "pet_type",
    "brand",
    "stock",
    "description",
    "weight_kg",
    "image_url",
    "is_active",
    "internal_cost",
    "supplier_info",
]
# How the audit trail tells an import's stock and price changes from staff edits.
IMPORT_NOTE = "CSV import"
REQUIRED_TO_CREATE = ["name", "price", "category", "pet_type"]
DECIMALS = {"price", "weight_kg", "internal_cost"}
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


class RowError(Exception):
    pass


class HeaderError(Exception):
    pass


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


class _Lookup:
    """Categories and pet types by slug or name (case-insensitive), loaded once."""

    def __init__(self, model):
        self.model = model
        self.by_key = {}
        for obj in model.objects.all():
            self.by_key[obj.slug.lower()] = obj
            self.by_key[obj.name.lower()] = obj

    def __call__(self, value: str):
        try:
            return self.by_key[value.lower()]
        except KeyError:
            raise RowError(f"unknown {self.model._meta.verbose_name} {value!r}") from None


def _parse(row: dict[str, str], categories: _Lookup, pet_types: _Lookup) -> dict:
    """The row's non-empty cells as service arguments. An empty cell means "leave as
    is" on update (and the field's default on create)."""
    fields = {}
    for name, raw in row.items():
        value = (raw or "").strip()
        if not value or name == "sku":
            continue
        if name in DECIMALS:
            try:
                fields[name] = Decimal(value)
            except InvalidOperation:
                raise RowError(f"{name}: {value!r} is not a number") from None
            if not fields[name].is_finite():
                raise RowError(f"{name}: {value!r} is not a number")
        elif name == "stock":
            try:
                fields[name] = int(value)
            except ValueError:
                raise RowError(f"stock: {value!r} is not a whole number") from None
        elif name == "is_active":
            if value.lower() not in BOOLEANS:
                raise RowError(f"is_active: {value!r} is not true or false")
            fields[name] = BOOLEANS[value.lower()]
        elif name == "category":
            fields[name] = categories(value)
        elif name == "pet_type":
            fields[name] = pet_types(value)
        else:
            fields[name] = value
    return fields


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _import_row(row: dict[str, str], lookups, report: ImportReport) -> None:
    sku = (row.get("sku") or "").strip()
    if not sku:
        raise RowError("sku: missing")
    fields = _parse(row, *lookups)
    product = Product.objects.filter(sku=sku).first()
    if product is None:
        missing = [name for name in REQUIRED_TO_CREATE if name not in fields]
        if missing:
            raise RowError(f"a new product needs {', '.join(missing)}")
        product_create(sku=sku, note=IMPORT_NOTE, **fields)
        report.created += 1
    else:
        product_update(product=product, note=IMPORT_NOTE, **fields)
        report.updated += 1


def products_import(*, lines: Iterable[str], dry_run: bool = False) -> ImportReport:
    """Import CSV text (`lines`, header first). With `dry_run`, every row is checked
    exactly as for real (services, constraints) and then everything is rolled back."""
    reader = csv.DictReader(lines)
    header = [name.strip() for name in reader.fieldnames or []]
    if "sku" not in header:
        raise HeaderError("The first line must be a header naming the columns, with a sku column.")
    unknown = sorted(set(header) - set(COLUMNS))
    if unknown:
        raise HeaderError(f"Unknown columns: {', '.join(unknown)}. Known: {', '.join(COLUMNS)}.")
    reader.fieldnames = header
    report = ImportReport()
    lookups = (_Lookup(Category), _Lookup(PetType))
    # A real import commits row by row (no long-held locks on products that checkouts
    # need); a dry run holds everything in one transaction that it rolls back.
    with transaction.atomic() if dry_run else nullcontext():
        for row in reader:
            if None in row:  # more cells than the header has columns
                report.errors.append((reader.line_num, "more cells than the header has columns"))
                continue
            try:
                with transaction.atomic():
                    _import_row(row, lookups, report)
            except RowError as error:
                report.errors.append((reader.line_num, str(error)))
            except ValidationError as error:
                report.errors.append((reader.line_num, _describe(error)))
            except DomainError as error:
                report.errors.append((reader.line_num, error.detail))
            except DatabaseError as error:  # a constraint the validation did not foresee
                report.errors.append((reader.line_num, f"refused by the database: {error}"))
        if dry_run:
            transaction.set_rollback(True)
    return report
