"""Brands: company profiles and staff verification."""
from flask import Blueprint

bp = Blueprint("brands", __name__)
