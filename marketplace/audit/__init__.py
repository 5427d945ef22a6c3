"""Staff audit of undisclosed ads: the detector (pure), the learned ranking and their CLI.

``detector.detect`` scores a note and explains each signal; ``learning`` fits and evaluates
the text model that re-weighs the signals from staff decisions.
"""
