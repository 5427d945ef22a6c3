"""Filings (报备): commercial notes tied to an order and a brand, with public receipts."""
