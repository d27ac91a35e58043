"""Screening operations of the campaigns API: findings and their outcomes."""

from ninja import Router

router = Router(tags=["campaigns"])
