"""Goods operations of the campaigns API: stock, purchases through the ledger, hand-outs."""

from ninja import Router

router = Router(tags=["campaigns"])
