"""Notifications: telling a user that something happened that needs them (an order event,
money moving), on the notifications page with an unread count in the navigation, and by mail.

Areas call :func:`notify` inside their own transaction; every kind of notification is one
row of :data:`kinds.KINDS` (its subject and sentence, in English and Chinese).
"""
from marketplace.notifications.service import notify  # noqa: F401  (the package's public face)
