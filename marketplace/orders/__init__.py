"""Orders: one creator working on one brief, from invitation or application to payout.

``states`` holds the state machine as data; ``models`` the tables; ``service`` the moves.
"""
