#!/usr/bin/env bash
# A customer's journey through the JSON API of a running server, with curl:
# register → log in → add to cart → checkout twice with one Idempotency-Key → cancel.
# Usage: scripts/api_journey.sh [BASE_URL]   (default http://127.0.0.1:8000)
# Needs one active product in stock (e.g. `manage.py seed_demo`). Exits non-zero on
# any unexpected status.
set -euo pipefail
BASE="${1:-http://127.0.0.1:8000}/api/v1"
USER="journey$(date +%s)$$"
PASS="A-long-journey-passphrase-2026"
KEY="$(python3 -c 'import uuid; print(uuid.uuid4())')"
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

call() {  # call EXPECTED METHOD PATH [BODY] [extra curl args...]
  local expected=$1 method=$2 path=$3 body=${4:-} out status
  shift 4 || shift $#
  out=$(mktemp)
  status=$(curl -s -o "$out" -w '%{http_code}' -X "$method" "$BASE$path" \
    -H 'Content-Type: application/json' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} \
    ${body:+--data "$body"} "$@")
  echo "$method $path → $status" >&2
  if [ "$status" != "$expected" ]; then
    echo "expected $expected: $(cat "$out")" >&2
    exit 1
  fi
  cat "$out"
  rm -f "$out"
}

call 201 POST /auth/register/ "{\"username\":\"$USER\",\"email\":\"$USER@example.com\",\"password\":\"$PASS\"}" >/dev/null
TOKEN=$(call 200 POST /auth/login/ "{\"username\":\"$USER\",\"password\":\"$PASS\"}" | json '["access"]')
PRODUCT=$(call 200 GET "/products/?in_stock=true&page_size=1" | json '["results"][0]["id"]')
call 201 POST /cart/items/ "{\"product_id\":$PRODUCT,\"quantity\":1}" | json '["total"]' | sed 's/^/cart total: /' >&2
CHECKOUT="{\"shipping_address\":\"1 Dog Lane, Barkville\"}"
FIRST=$(call 201 POST /orders/ "$CHECKOUT" -H "Idempotency-Key: $KEY" | json '["id"]')
AGAIN=$(call 200 POST /orders/ "$CHECKOUT" -H "Idempotency-Key: $KEY" | json '["id"]')
[ "$FIRST" = "$AGAIN" ] || { echo "replay made a second order: $FIRST vs $AGAIN" >&2; exit 1; }
call 409 POST /orders/ '{"shipping_address":"2 Elsewhere Road"}' -H "Idempotency-Key: $KEY" | json '["code"]' >&2
STATUS=$(call 200 POST "/orders/$FIRST/cancel/" | json '["status"]')
INVOICE=$(call 200 GET "/invoices/?page_size=1" | json '["results"][0]["status"]')
echo "order $FIRST: $STATUS, its invoice: $INVOICE" >&2
[ "$STATUS" = cancelled ] && [ "$INVOICE" = cancelled ]
echo "journey ok" >&2
