"""The demo shop that `manage.py seed_demo` builds: data in `data.py`, the building
in `shop.py` (through the domain services), bulk catalogs in `bulk.py`."""
