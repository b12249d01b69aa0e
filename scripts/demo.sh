#!/usr/bin/env bash
# The README walk-through on examples/: run from examples/ with the dsctl binary as $1.
# Everything it writes is either committed and idempotent (generated DTOs) or ignored by git
# (.dsctl/registry, web/public, the vendored contracts and dsctl.lock).
set -euo pipefail
DSCTL="${1:?usage: demo.sh PATH-TO-DSCTL}"
# step prints the command that the next line runs, exactly as typed.
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "dsctl $*"; "$DSCTL" "$@"; }
has() { "$DSCTL" "$@" --help >/dev/null 2>&1; }

run version

if has contract lint; then
  run contract lint orders/contract
  run contract pack orders/contract --out .dsctl/orders.tgz
  run contract publish orders/contract
  run contract publish orders/contract            # idempotent: already published
  run contract list orders
  run contract pull 'orders@^1'
  run contract verify
  run contract validate orders OrderPlaced orders/contract/examples/order-placed.json
fi

if has compat consumers; then
  # Consumer-driven contracts: billing and shipping publish what they read of
  # orders' events (consumes:); orders asks which of its changes break them.
  run contract publish billing/contract shipping/contract
  run contract graph
  run contract graph --format html --out .dsctl/contracts.html
  variant() { # variant NAME SCHEMA: orders 1.1.0 with OrderPlaced's schema replaced
    rm -rf ".dsctl/cdc/$1" && mkdir -p .dsctl/cdc && cp -R orders/contract ".dsctl/cdc/$1"
    cp "$2" ".dsctl/cdc/$1/events/order-placed.schema.json"
    sed 's/^version: 1\.0\.0$/version: 1.1.0/' orders/contract/contract.yaml >".dsctl/cdc/$1/contract.yaml"
  }
  # 1. Removing notes, which nobody reads: breaking in general (OrderPlaced is
  #    a closed object), safe for every registered consumer.
  variant no-notes changes/order-placed.no-notes.schema.json
  step "dsctl compat check orders/contract .dsctl/cdc/no-notes"
  "$DSCTL" compat check orders/contract .dsctl/cdc/no-notes \
    && echo "unexpected: passed" || echo "(exit $? — breaking in general: it needs 2.0.0)"
  run compat consumers .dsctl/cdc/no-notes
  # 2. A new channel, kiosk: compatible in general (backward), but shipping
  #    routes by channel and breaks.
  variant kiosk changes/order-placed.kiosk.schema.json
  run compat check orders/contract .dsctl/cdc/kiosk
  step "dsctl compat consumers .dsctl/cdc/kiosk"
  "$DSCTL" compat consumers .dsctl/cdc/kiosk \
    && echo "unexpected: no consumer broke" || echo "(exit $? — it breaks shipping only)"
fi

if has gen dtos; then
  run gen dtos
  run gen dtos --check
  step "go build ./billing/... ./shipping/..."
  go build ./billing/... ./shipping/... && echo "billing and shipping build"
fi

if has compat check; then
  if [ -f changes/order-placed.v1.1.schema.json ]; then
    run compat check orders/contract/events/order-placed.schema.json changes/order-placed.v1.1.schema.json
    step "dsctl compat check orders/contract/events/order-placed.schema.json changes/order-placed.v2.schema.json --from 1.0.0 --to 1.1.0"
    "$DSCTL" compat check orders/contract/events/order-placed.schema.json changes/order-placed.v2.schema.json --from 1.0.0 --to 1.1.0 \
      && echo "unexpected: a breaking change passed" || echo "(exit $? — a breaking change needs 2.0.0)"
    run compat bump orders/contract/events/order-placed.schema.json changes/order-placed.v2.schema.json --from 1.0.0
  fi
  if [ -f changes/openapi.v2.yaml ]; then
    step "dsctl compat check orders/contract/openapi.yaml changes/openapi.v2.yaml --format markdown"
    "$DSCTL" compat check orders/contract/openapi.yaml changes/openapi.v2.yaml --format markdown || echo "(exit $?)"
  fi
  if [ -f asyncapi/orders.v2.yaml ]; then
    # The same enum value added: major on the message the service sends, minor on the one it receives.
    step "dsctl compat check asyncapi/orders.v1.yaml asyncapi/orders.v2.yaml"
    "$DSCTL" compat check asyncapi/orders.v1.yaml asyncapi/orders.v2.yaml \
      && echo "unexpected: a breaking change passed" || echo "(exit $? — a value added to a sent message breaks consumers on the old schema)"
  fi
fi

if has hash-assets; then
  run hash-assets web --out .dsctl/public --plan .dsctl/upload-plan.json
  run hash-assets web --out .dsctl/public          # idempotent: nothing rewritten
  run hash-assets verify .dsctl/public
fi
