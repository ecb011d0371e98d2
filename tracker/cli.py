"""The `tracker` command: create a store, fill it with demo data, serve the web app."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from tracker.application import Tracker
from tracker.errors import TrackerError
from tracker.settings import Settings

cli = typer.Typer(help="Tracker: petitions, second-birth approvals and social-fee cases.")
console = Console()


def _store_description(settings: Settings) -> str:
    env = settings.eventsourcing_env()
    if settings.is_postgres:
        return f"PostgreSQL {env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
    return f"SQLite {env['SQLITE_DBNAME']}"


@cli.command()
def init(
    username: Annotated[str, typer.Option(prompt="Admin username")] = "admin",
    display_name: Annotated[str, typer.Option(prompt="Admin display name")] = "系统管理员",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create the store and its first admin account."""
    settings = Settings()
    app = Tracker(settings)
    try:
        account = app.accounts.create_first_admin(username, display_name, password)
    except TrackerError as error:
        console.print(f"[red]Refused:[/red] {error}")
        raise typer.Exit(1) from None
    finally:
        app.close()
    console.print(
        f"Created admin [bold]{account.username}[/bold] in {_store_description(settings)}"
    )


@cli.command()
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing, successfully, when the store has data.")
    ] = False,
) -> None:
    """Fill an empty store with a realistic year of one sub-district."""
    from tracker.demo import DemoYear

    settings = Settings()
    year = DemoYear(settings)
    try:
        if not year.store_is_empty():
            if if_empty:
                console.print(f"Store already has data: {_store_description(settings)}")
                _print_users(year.users())
                return
            console.print(
                "[red]Refused:[/red] the store is not empty; demo data needs an empty one"
            )
            raise typer.Exit(1)
        with Progress(console=console) as progress:
            task = progress.add_task("Recording the demo year", total=year.plan())
            year.record(on_step=lambda: progress.advance(task))
        console.print(f"Demo data recorded in {_store_description(settings)}")
        _print_users(year.users())
    finally:
        year.close()


def _print_users(users: list[tuple[str, str, str]]) -> None:
    from tracker.demo import DEMO_PASSWORD

    table = Table(title="Demo users")
    for column in ("username", "roles", "scope", "password"):
        table.add_column(column)
    for username, roles, scope in users:
        table.add_row(username, roles, scope, DEMO_PASSWORD)
    console.print(table)


@cli.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Run the web app."""
    import uvicorn

    uvicorn.run("web.app:app", host=host, port=port)


def main() -> None:
    cli()
