"""Write pip constraints that pin every dependency of PeerDesk to its lower bound.

    python packaging/lowest_constraints.py > lowest.txt         # the constraints
    pip install -c lowest.txt -e '.[test]'                       # the oldest versions pyproject allows
    python packaging/lowest_constraints.py --check               # installed == lower bounds?

Only the run-time dependencies (pyproject's [project] dependencies) are pinned, each to the
version named by its `>=`; requirements whose environment marker does not apply here are left
out. `--check` exits 1 when an installed version differs from its lower bound, so a lowest
run cannot pass on versions it did not mean to test.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def lower_bounds(pyproject: Path = PYPROJECT) -> dict[str, Version]:
    """name -> the version of its `>=` bound, for every dependency that applies here."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    bounds: dict[str, Version] = {}
    for text in data["project"]["dependencies"]:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate():
            continue
        lows = [Version(s.version) for s in req.specifier if s.operator in (">=", "==", "~=")]
        if not lows:
            raise SystemExit(f"{text!r} in pyproject.toml has no lower bound")
        bounds[canonicalize_name(req.name)] = max(lows)
    return bounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare installed versions with the lower bounds")
    args = parser.parse_args(argv)
    bounds = lower_bounds()
    if not args.check:
        print("# Lower bounds of pyproject.toml's dependencies (packaging/lowest_constraints.py)")
        for name, low in sorted(bounds.items()):
            print(f"{name}=={low}")
        return 0
    wrong = []
    for name, low in sorted(bounds.items()):
        try:
            have = Version(version(name))
        except PackageNotFoundError:
            wrong.append(f"{name} is not installed (lower bound {low})")
            continue
        if have != low:
            wrong.append(f"{name} {have} is installed, the lower bound is {low}")
    for line in wrong:
        print(line, file=sys.stderr)
    print(f"{len(bounds) - len(wrong)} of {len(bounds)} dependencies at their lower bound")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
