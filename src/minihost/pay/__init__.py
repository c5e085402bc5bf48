"""Payments: merchants, WeChat Pay v3 compatible orders and refunds, a double-entry ledger, notifications."""
