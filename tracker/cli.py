"""The `tracker` command: create a store, fill it with demo data, serve the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from tracker.application import Tracker
from tracker.errors import TrackerError
from tracker.projections.runner import RebuildFailed
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


projections_cli = typer.Typer(help="The read models: rebuild them from the event store.")
cli.add_typer(projections_cli, name="projections")


@projections_cli.command("rebuild")
def rebuild(
    name: Annotated[str | None, typer.Argument(help="One read model; all when omitted.")] = None,
) -> None:
    """Rebuild read models beside the ones being served, then switch to them."""
    app = Tracker(Settings())
    try:
        names = [name] if name else sorted(app.views.projections)
        unknown = [n for n in names if n not in app.views.projections]
        if unknown:
            console.print(f"[red]Unknown read model:[/red] {', '.join(unknown)}")
            console.print(f"Known: {', '.join(sorted(app.views.projections))}")
            raise typer.Exit(2)
        with Progress(console=console) as progress:
            for each in names:
                task = progress.add_task(f"Rebuilding {each}", total=app.views.head() or 1)

                def show(done: int, of: int, task: TaskID = task) -> None:
                    progress.update(task, completed=done, total=of or 1)

                try:
                    app.views.rebuild(each, on_progress=show)
                except RebuildFailed as failed:
                    progress.stop()
                    console.print(f"[red]Not rebuilt:[/red] {failed}", highlight=False)
                    console.print("The read model being served was left as it was.")
                    raise typer.Exit(1) from None
    finally:
        app.close()
    console.print(f"Rebuilt {', '.join(names)}")


@cli.command()
def project(
    interval: Annotated[float, typer.Option(help="Seconds between polls when idle.")] = 0.2,
) -> None:
    """Keep the read models up to date in this process (with TRACKER_PROJECTIONS=worker)."""
    app = Tracker(Settings())
    console.print(f"Projecting {_store_description(app.settings)}; Ctrl+C stops")
    try:
        app.views.run(interval)
    except KeyboardInterrupt:
        pass
    finally:
        app.close()


@cli.command()
def check() -> None:
    """Recompute every figure from the raw events and compare it with the read models."""
    from tracker.check import Checker

    app = Tracker(Settings())
    try:
        with console.status("Checking") as status:
            differences = Checker(app).run(
                on_step=lambda name: status.update(f"Checking the {name}")
            )
    finally:
        app.close()
    for difference in differences:
        console.print(str(difference), markup=False)
    if differences:
        console.print(
            f"[red]{len(differences)} difference(s)[/red] between the read models and the events"
        )
        raise typer.Exit(1)
    console.print("Read models and events agree (台帐、报表、实际三一致)")


@cli.command("new-key")
def new_key() -> None:
    """Print a new key for encrypting stored events (TRACKER_CIPHER_KEY), AES-256."""
    from eventsourcing.cryptography import AESCipher

    console.print(AESCipher.create_key(32), markup=False, highlight=False)


@cli.command()
def rekey(
    to: Annotated[str, typer.Option(help="Database URL of the new, empty store.")],
    unencrypted: Annotated[
        bool, typer.Option(help="Write the new store without a key (only to leave encryption).")
    ] = False,
) -> None:
    """Copy every event into a new store under the key in TRACKER_NEW_CIPHER_KEY.

    The current store (TRACKER_DATABASE_URL, TRACKER_CIPHER_KEY) is only read.
    """
    import os

    from pydantic import SecretStr, ValidationError

    from tracker.rekey import SourceChanged, TargetNotEmpty, copy_events

    source = Settings()
    key = os.environ.get("TRACKER_NEW_CIPHER_KEY")
    if not key and not unencrypted:
        console.print("[red]Refused:[/red] set TRACKER_NEW_CIPHER_KEY (tracker new-key makes one)")
        raise typer.Exit(2)
    try:
        target = Settings(database_url=to, cipher_key=SecretStr(key) if key else None)
    except ValidationError as error:
        console.print(f"[red]Refused:[/red] {error.errors()[0]['msg']}")
        raise typer.Exit(2) from None
    try:
        with Progress(console=console) as progress:
            task = progress.add_task("Copying events", total=None)
            copied = copy_events(
                source, target, lambda done, of: progress.update(task, completed=done, total=of)
            )
    except (TargetNotEmpty, SourceChanged) as error:
        console.print(f"[red]Refused:[/red] {error}")
        raise typer.Exit(1) from None
    console.print(f"Copied {copied} events into {_store_description(target)}")
    console.print("Check it with `tracker check` under the new settings, then switch to it.")


def _store_failures() -> tuple[type[Exception], ...]:
    """A store that cannot be reached, opened or written: a wrong URL, a missing schema, a disk."""
    import sqlite3

    import psycopg
    from eventsourcing.persistence import PersistenceError

    return (PersistenceError, psycopg.Error, sqlite3.Error, OSError)


@cli.command("backup")
def backup_command(
    file: Annotated[Path, typer.Argument(help="The backup file to write (an SQLite database).")],
    overwrite: Annotated[bool, typer.Option(help="Replace FILE when it exists.")] = False,
) -> None:
    """Copy the store's events, as committed at one moment, while the app keeps running.

    No key is needed: encrypted events are copied as they are stored.
    """
    from tracker.backup import BackupError, backup

    settings = Settings()
    try:
        with console.status(f"Backing up {_store_description(settings)}"):
            header = backup(settings, file, overwrite=overwrite)
    except BackupError as error:
        console.print(f"[red]Refused:[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    except _store_failures() as error:
        console.print(f"[red]Failed:[/red] the store could not be read: {error}", highlight=False)
        raise typer.Exit(1) from None
    console.print(
        f"Backed up {header.events} events (to position {header.last_notification_id}) of "
        f"{_store_description(settings)} into {file}",
        highlight=False,
    )
    console.print(f"SHA-256 of the events: {header.sha256}", highlight=False)


@cli.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="A file written by `tracker backup`.")],
    to: Annotated[str, typer.Option(help="Database URL of the new, empty store.")],
) -> None:
    """Restore a backup into an empty store, then check it as `tracker check` does.

    The new store is read with TRACKER_CIPHER_KEY: the key of the store backed up.
    """
    from pydantic import ValidationError

    from tracker.backup import BackupError, RestoredDiffers, restore

    try:
        target = Settings(database_url=to)
    except ValidationError as error:
        console.print(f"[red]Refused:[/red] {error.errors()[0]['msg']}")
        raise typer.Exit(2) from None
    try:
        with console.status("Restoring") as status:
            restored = restore(file, target, on_step=lambda step: status.update(step.capitalize()))
    except RestoredDiffers as error:
        console.print(f"[red]Failed:[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    except BackupError as error:
        console.print(f"[red]Refused:[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    except _store_failures() as error:
        console.print(f"[red]Failed:[/red] the store could not be used: {error}", highlight=False)
        raise typer.Exit(1) from None
    header = restored.header
    console.print(
        f"Restored {header.events} events (to position {header.last_notification_id}, backed up "
        f"from {header.store} at {header.taken_at}) into {_store_description(target)}",
        highlight=False,
    )
    for difference in restored.differences:
        console.print(str(difference), markup=False)
    if restored.differences:
        console.print(
            f"[red]{len(restored.differences)} difference(s)[/red] between the read models and "
            "the events"
        )
        raise typer.Exit(1)
    console.print("Read models and events agree (台帐、报表、实际三一致)")


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
