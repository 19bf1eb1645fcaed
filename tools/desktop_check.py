"""Before `make run` opens a window: the system libraries Qt's xcb platform needs, and a display.

A fresh Debian lacks some of the libraries PySide6's xcb plugin links to, and Qt's own
message names only the first one it misses. This asks the dynamic linker (``ldd``) which
libraries the plugin cannot find and turns every one into its Debian package at once. Run as
root with apt-get, it installs them; otherwise it names them all in one sentence with the
command to run. Exit 0 when a window can open, 2 with a sentence when it cannot.

``--dry-run`` names what is missing without installing anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# soname -> Debian (bookworm and later) package; anything else is named by its soname.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing Qt itself."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        plugin = Path(root) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_sonames(ldd_output: str) -> list[str]:
    """Every library ``ldd`` reports as not found, once each, in its order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def packages_for(sonames: list[str]) -> list[str]:
    return list(dict.fromkeys(PACKAGES.get(name, name) for name in sonames))


def _ldd(plugin: Path) -> str:
    done = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def _install(packages: list[str]) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "install", "-y", "-qq", *packages]
    if subprocess.run(command, env=env, check=False).returncode == 0:
        return True
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    return subprocess.run(command, env=env, check=False).returncode == 0


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True  # the user chose a platform (offscreen, wayland, vnc...)
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="name what is missing only")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        return 0  # the Windows and macOS wheels carry what Qt needs
    plugin = xcb_plugin()
    if plugin is None or shutil.which("ldd") is None:
        return 0  # nothing to ask; Qt itself will say what it lacks
    packages = packages_for(missing_sonames(_ldd(plugin)))
    if packages:
        can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
        if args.dry_run or not can_install:
            print(f"The app's window needs these system libraries: {', '.join(packages)}. "
                  f"Install them with: sudo apt-get install {' '.join(packages)}",
                  file=sys.stderr)
            return 2
        print(f"Installing the system libraries the window needs: {' '.join(packages)}")
        if not _install(packages) or missing_sonames(_ldd(plugin)):
            print(f"Could not install {', '.join(packages)}: install them with "
                  f"apt-get install {' '.join(packages)} and run make run again.",
                  file=sys.stderr)
            return 2
    if not _has_display():
        print("make run opens a window and needs a desktop display (DISPLAY is not set): "
              "run it on the counter PC's desktop, or on a virtual one with "
              "`xvfb-run make run`.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
