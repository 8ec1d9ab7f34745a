"""``riskgraph settings``: the settings that live with the register, shown and changed."""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption

settings_app = typer.Typer(
    help="Settings that change what the register means (name, base IRI, matrix, appetite). "
    "On a shared endpoint they live with the register, the same for everyone.",
    no_args_is_help=True,
)


@settings_app.command("show")
def show(register: Path | None = RegisterOption) -> None:
    """Show the register's settings and where each comes from.

    Example:  riskgraph settings show
    """
    from riskgraph.cli.options import open_register
    from riskgraph.shared_settings import SHARED, read_shared

    reg = open_register(register)
    shared: dict[str, str] = {}
    if reg.is_remote:
        with reg.reader() as store:
            shared = read_shared(store)
    for setting in SHARED:
        source = "shared register" if setting.key in shared else "register.toml"
        typer.echo(f"{setting.key} = {setting.read(reg.config)!r}  ({source})")


@settings_app.command("set")
def set_(
    key: str = typer.Argument(
        ...,
        help="A shared setting, e.g. risk.appetite, review.risk_days or acceptance.authority_role",
    ),
    value: str = typer.Argument(..., help="The new value."),
    register: Path | None = RegisterOption,
) -> None:
    """Change a register setting, for everyone on a shared register.

    Example:  riskgraph settings set risk.appetite low
    """

    from pydantic import ValidationError

    from riskgraph.cli.options import open_register
    from riskgraph.cli.output import success
    from riskgraph.config import CONFIG_FILE, RegisterConfig, base_iri_problem, save_config
    from riskgraph.errors import InputError, Location
    from riskgraph.shared_settings import check_key, write_shared

    setting = check_key(key)
    reg = open_register(register)
    data = reg.config.model_dump()
    section, _, name = key.partition(".")
    data[section][name] = value
    try:
        updated = RegisterConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            exc.errors()[0]["msg"], location=Location(column=key), value=value
        ) from None
    if key == "general.base_iri" and (problem := base_iri_problem(value)):
        raise InputError(problem, location=Location(column=key), value=value)
    if key == "general.name" and (not value.strip() or "\n" in value):
        raise InputError("must be one line of text", location=Location(column=key), value=value)
    if reg.is_remote:
        with reg.writer() as store:
            write_shared(store, updated)
    if reg.folder is not None:
        save_config(updated, reg.folder / CONFIG_FILE)
    success(f"{setting.key} = {setting.read(updated)!r}")


def attach(app: typer.Typer) -> None:
    app.add_typer(settings_app, name="settings")
