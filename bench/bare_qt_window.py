"""The least a PySide6 desktop app costs: build and show a QMainWindow, process events, exit.

Run as a plain script (``python bench/bare_qt_window.py``), the start-up baseline.
"""

from __future__ import annotations

import sys
import time

START = time.perf_counter()


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.setCentralWidget(QLabel("bare QMainWindow"))
    window.resize(1024, 700)
    window.show()
    app.processEvents()
    QTimer.singleShot(0, app.quit)
    app.exec()
    print(f"ready in {time.perf_counter() - START:.3f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
