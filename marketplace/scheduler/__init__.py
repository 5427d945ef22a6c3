"""The scheduler process: ``flask scheduler run`` runs every job of :data:`jobs.JOBS` on its
interval, in its own process (never inside web workers), with an in-memory job store that no
other scheduler shares. Jobs are plain functions named by import path, so this package sits
on top of the areas and no area imports it.
"""
