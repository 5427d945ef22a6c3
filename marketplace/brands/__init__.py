"""Brands: company profiles and staff verification."""
