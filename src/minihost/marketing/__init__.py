"""Coupons, membership cards and gift cards, booked in pay's ledger."""
