"""``flask search rebuild``: create the full-text objects if missing and refill the index."""
import click
from flask.cli import AppGroup

from marketplace.search.sync import rebuild as rebuild_index

search_cli = AppGroup("search", help="The note search index.")


@search_cli.command("rebuild")
def rebuild() -> None:
    """Rebuild the search index from every note (creates FTS tables when missing)."""
    count = rebuild_index()
    click.echo(f"Search index rebuilt: {count} indexable notes.")
