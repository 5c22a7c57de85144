"""``depeche models``: install, list and remove translation packages."""

from __future__ import annotations

from pathlib import Path

import click

from app.config import DEFAULTS, from_environment


def setting(name: str) -> object:
    return from_environment().get(name, DEFAULTS[name])


def models_dir_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--models-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Defaults to DEPECHE_MODELS_DIR, then models/ in the project.",
    )(function)


def _models_dir(option: Path | None) -> Path:
    return option or Path(str(setting("MODELS_DIR")))


@click.group("models")
def models() -> None:
    """Install, list and remove offline translation models (argos packages)."""


@models.command("list")
@models_dir_option
def list_models(models_dir: Path | None) -> None:
    """List installed packages, and folders skipped with the reason."""
    from app.translation.packages import inventory

    found = inventory(_models_dir(models_dir))
    if not found.packages:
        click.echo(f"no models in {_models_dir(models_dir)}")
    for package in found.packages:
        click.echo(
            f"{package.source} → {package.target}  {package.name} {package.version}  {package.path}"
        )
    for skipped in found.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)


def _install_file(path: Path, models_dir: Path, pair: tuple[str, str] | None, origin: str) -> None:
    from app.translation.packages import PackageError, install_archive

    try:
        package = install_archive(path, models_dir, pair, origin)
    except PackageError as error:
        raise click.ClickException(f"not installed: {error}") from error
    click.echo(f"installed {package.name} {package.version} in {package.path}")


@models.command("install")
@click.argument("source")
@click.argument("target")
@click.option("--index", help="Argos package index URL (default: DEPECHE_MODELS_INDEX).")
@click.option("--max-bytes", type=int, default=1024**3, show_default=True)
@click.option(
    "--timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds for the whole index read and download, however the server trickles.",
)
@models_dir_option
def install(
    source: str,
    target: str,
    index: str | None,
    max_bytes: int,
    timeout: float,
    models_dir: Path | None,
) -> None:
    """Download the SOURCE→TARGET package from the index and install it."""
    from app.translation.index import Deadline, download_any, find_in_index
    from app.translation.metadata import VERSION
    from app.translation.packages import PackageError

    index_url = index or str(setting("MODELS_INDEX"))
    try:
        with Deadline(timeout) as deadline:
            entry = find_in_index(index_url, source, target, deadline)
            version = entry.get("package_version")
            shown = version if isinstance(version, str) and VERSION.fullmatch(version) else "?"
            click.echo(f"downloading {source}→{target} {shown} listed in {index_url}")
            with click.progressbar(length=0, label="download", show_pos=True) as bar:

                def progress(done: int, total: int | None) -> None:
                    if total:
                        bar.length = total
                    bar.update(done - bar.pos)

                archive, url = download_any(entry, max_bytes, deadline, progress)
    except PackageError as error:
        raise click.ClickException(f"not installed: {error}") from error
    try:
        _install_file(archive, _models_dir(models_dir), (source, target), url)
    finally:
        archive.unlink(missing_ok=True)


@models.command("install-file")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pair", nargs=2, help="Refuse the file unless it translates SOURCE TARGET.")
@models_dir_option
def install_file(path: Path, pair: tuple[str, str] | None, models_dir: Path | None) -> None:
    """Install a local .argosmodel file."""
    _install_file(path, _models_dir(models_dir), tuple(pair) if pair else None, path.name)  # type: ignore[arg-type]


@models.command("remove")
@click.argument("source")
@click.argument("target")
@models_dir_option
def remove(source: str, target: str, models_dir: Path | None) -> None:
    """Remove the SOURCE→TARGET package."""
    from app.translation.packages import PackageError
    from app.translation.packages import remove as remove_package

    try:
        removed = remove_package(_models_dir(models_dir), source, target)
    except PackageError as error:
        raise click.ClickException(str(error)) from error
    if not removed:
        raise click.ClickException(f"no {source}→{target} model installed")
    click.echo(f"removed {source}→{target}")
