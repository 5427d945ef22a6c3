"""Explainable matching between briefs and creators.

``scoring`` defines the score once, twice over: as a SQL expression (to rank 100,000
creators inside the database) and in Python (to explain each result in words and numbers).
``service`` serves the brand's creator list, the creator's brief list and the API; ``routes``
holds those two pages and adds the signed-in creator's fit to the brief page.
"""
