"""qlf's pytest plugin: records which installed distributions a test run imported, and their versions.

The verify stage loads it with ``-p qlf_imported_versions`` and this folder on PYTHONPATH. When the session ends it
writes, to the file named by QLF_IMPORTED_VERSIONS::

    {"python": "3.11.2", "packages": {name: version}, "installed": {name: version or null}}

``packages`` holds every distribution that provides a top-level module in ``sys.modules``; ``installed`` answers for the
distributions named in QLF_PINNED_DISTRIBUTIONS (comma-separated), imported or not. Names are PEP 503 normalised and
versions are what ``importlib.metadata`` reports, which is what pip sees. Without QLF_IMPORTED_VERSIONS it does nothing.
"""

import json
import os
import platform
import re
import sys

try:
    import importlib.metadata as metadata
except ImportError:  # Python < 3.8
    metadata = None


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _top_level_distributions():
    """Top-level module name -> names of the distributions that provide it."""
    if hasattr(metadata, "packages_distributions"):  # Python >= 3.10
        return metadata.packages_distributions()
    found = {}
    for dist in metadata.distributions():
        for top in (dist.read_text("top_level.txt") or "").split():
            found.setdefault(top, []).append(dist.metadata["Name"])
    return found


def _module_dir(module):
    path = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", None) or []), None)
    return os.path.realpath(path) if isinstance(path, str) else None


def imported_versions(root, pinned=()):
    """The record described above; modules under ``root`` (the service itself) never count as a distribution."""
    root = os.path.realpath(root) + os.sep
    providers = _top_level_distributions()
    packages = {}
    for top in sorted({name.partition(".")[0] for name in list(sys.modules)}):
        names = providers.get(top)
        if not names:
            continue
        where = _module_dir(sys.modules.get(top))
        if where is not None and where.startswith(root):
            continue
        for name in names:
            version = _version(name)
            if version is not None:
                packages[_normalize(name)] = version
    installed = {_normalize(name): _version(name) for name in pinned}
    return {"python": platform.python_version(), "packages": packages, "installed": installed}


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("QLF_IMPORTED_VERSIONS")
    if not target or metadata is None:
        return
    pinned = [name for name in os.environ.get("QLF_PINNED_DISTRIBUTIONS", "").split(",") if name]
    root = getattr(session.config, "rootpath", None) or session.config.rootdir  # rootpath: pytest >= 6.1
    record = imported_versions(str(root), pinned)
    with open(target, "w", encoding="utf-8") as out:
        json.dump(record, out, sort_keys=True)
