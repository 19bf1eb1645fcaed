"""The nominal grid: the operator's products by kind, picked with arrows or number keys.

F1-F4 (or Ctrl+1..4, wired by the sales screen) switch between pulsa, data, PLN
and e-wallet. Keys 1-9 pick the n-th product, arrows move, Enter sells.
"""

from __future__ import annotations

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.catalog import Choice
from kiosk_pos.core.phone import PrefixTable
from kiosk_pos.core.records import Product, ProductKind
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import label

KINDS = (ProductKind.PULSA, ProductKind.DATA, ProductKind.PLN, ProductKind.EWALLET)
COLUMNS = 3  # at most; fewer when the widest tile's text would not fit three across
TILE_HEIGHT = 72  # two lines (name, price) with room to tap
TILE_PAD = 2 * (10 + 1) + 4  # a tile's padding and border (theme: QPushButton#product)
# Words the tab (or the operator badge) already says, dropped from a tile's caption.
_KIND_WORDS = {ProductKind.DATA: "Data ", ProductKind.PLN: "Token PLN ",
               ProductKind.EWALLET: "Saldo "}


def product_caption(product: Product, prefixes: PrefixTable | None) -> str:
    """A short name for a button: the operator shows in the badge and the kind in the
    tab, so drop them here ("Telkomsel Data 1GB 30 hari" -> "1GB 30 hari")."""
    name = product.name
    if prefixes is not None and product.kind in (ProductKind.PULSA, ProductKind.DATA):
        name = name.removeprefix(prefixes.name(product.operator) + " ")
    word = _KIND_WORDS.get(product.kind)
    if word and name.startswith(word) and len(name) > len(word):
        name = name.removeprefix(word)
    return name


class ProductGrid(QWidget):
    activated = Signal(object)      # Product: Enter, double Enter or a tap
    kind_changed = Signal(object)   # ProductKind

    def __init__(self, prefixes: PrefixTable | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prefixes = prefixes
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._choice: Choice | None = None
        self._buttons: list[QPushButton] = []
        self._products: tuple[Product, ...] = ()
        self._current = -1
        self.columns = COLUMNS
        self._note = ""  # why there are no products, when the screen knows better

        self.tabs = QTabBar()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.setExpanding(False)
        for _kind in KINDS:
            self.tabs.addTab("")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.empty = label("", "caption")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._holder = QWidget()
        self._grid = QGridLayout(self._holder)
        self._grid.setSpacing(8)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self._holder)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(160)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        self.retranslate()

    # -- state ----------------------------------------------------------------------------
    @property
    def kind(self) -> ProductKind:
        return KINDS[max(self.tabs.currentIndex(), 0)]

    @property
    def products(self) -> tuple[Product, ...]:
        return self._products

    @property
    def current(self) -> Product | None:
        return self._products[self._current] if 0 <= self._current < len(self._products) else None

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def retranslate(self) -> None:
        for i, kind in enumerate(KINDS):
            self.tabs.setTabText(i, f"F{i + 1}  {tr(f'kind.{kind.value}')}")
        self._rebuild()

    def set_choice(self, choice: Choice) -> None:
        """Show what the typed number allows; keep the selection if the product is still there."""
        keep = self.current
        self._choice = choice
        self._rebuild(keep)

    def set_note(self, note: str) -> None:
        """Say ``note`` instead of the usual "type a number" when the grid is empty."""
        self._note = note

    def set_kind(self, kind: ProductKind) -> None:
        self.tabs.setCurrentIndex(KINDS.index(kind))

    def select(self, index: int) -> None:
        if not self._products:
            self._current = -1
            return
        self._current = max(0, min(index, len(self._products) - 1))
        for i, button in enumerate(self._buttons):
            button.setChecked(i == self._current)
        self._scroll.ensureWidgetVisible(self._buttons[self._current])

    def clear_selection(self) -> None:
        self._current = -1
        for button in self._buttons:
            button.setChecked(False)

    # -- keys -----------------------------------------------------------------------------
    def move(self, key: int) -> bool:
        """Arrow key navigation; returns True if the key was used."""
        if not self._products:
            return False
        if self._current < 0:
            self.select(0)
            return True
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1,
                Qt.Key.Key_Up: -self.columns, Qt.Key.Key_Down: self.columns}.get(Qt.Key(key))
        if step is None:
            return False
        self.select(self._current + step)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        text = event.text()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.activated.emit(self.current)
        elif self.move(key):
            pass
        elif text.isdigit() and text != "0" and int(text) <= len(self._products):
            self.select(int(text) - 1)
        else:
            super().keyPressEvent(event)

    # -- building -------------------------------------------------------------------------
    def _tab_changed(self, _index: int) -> None:
        self._rebuild()
        self.kind_changed.emit(self.kind)

    def _rebuild(self, keep: Product | None = None) -> None:
        for button in self._buttons:
            self._grid.removeWidget(button)
            button.hide()  # gone now, not at the next event-loop turn
            button.deleteLater()
        self._buttons = []
        choice = self._choice
        self._products = choice.products.get(self.kind, ()) if choice else ()
        for i, product in enumerate(self._products):
            shortcut = f"{i + 1}. " if i < 9 else ""
            caption = f"{shortcut}{product_caption(product, self._prefixes)}"
            button = QPushButton(f"{caption}\n{format_rupiah(product.price)}")
            button.setProperty("caption", caption)
            button.setProperty("price", format_rupiah(product.price))
            button.setObjectName("product")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(TILE_HEIGHT)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setProperty("sku", product.sku)
            button.clicked.connect(lambda _c=False, i=i: self._tapped(i))
            self._buttons.append(button)
        self._place()
        self._current = -1
        if keep is not None and keep in self._products:
            self.select(self._products.index(keep))
        needs_number = self.kind in (ProductKind.PULSA, ProductKind.DATA)
        if not self._products:
            self.empty.setText(self._note if needs_number and self._note
                               else tr("ui.grid.type_number") if needs_number
                               else tr("ui.grid.no_products"))
        self.empty.setVisible(not self._products)

    def _fitting_columns(self) -> int:
        """As many columns (up to three) as the widest caption allows in the room there is."""
        if not self._buttons:
            return COLUMNS
        metrics = self._buttons[0].fontMetrics()
        widest = max(metrics.horizontalAdvance(b.property(part)) for b in self._buttons
                     for part in ("caption", "price")) + TILE_PAD
        spacing = self._grid.spacing()
        return max(1, min(COLUMNS, (self._room() + spacing) // (widest + spacing)))

    def _room(self) -> int:
        # The scroll area's room less its scroll bar's, whether or not the bar shows (more
        # rows may bring it): the viewport's width when it does, as Qt lays the bar out by
        # its size hint. Not viewport(): handing Python that widget first made PySide build
        # the types of all of QtWidgets (~50 enums) before the first paint.
        margins = self._grid.contentsMargins()
        room = self._scroll.maximumViewportSize().width() - margins.left() - margins.right()
        return room - self._scroll.verticalScrollBar().sizeHint().width()

    def _wrap(self) -> None:
        """A caption too long even for one column breaks at a space onto a second line,
        rather than being cut at the tile's edge."""
        spacing = self._grid.spacing()
        room = (self._room() + spacing) // self.columns - spacing - TILE_PAD
        for button in self._buttons:
            caption, price = button.property("caption"), button.property("price")
            metrics = button.fontMetrics()
            if metrics.horizontalAdvance(caption) > room and " " in caption:
                words = caption.split(" ")
                cut = max((i for i in range(1, len(words))
                           if metrics.horizontalAdvance(" ".join(words[:i])) <= room),
                          default=1)
                caption = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
            button.setText(f"{caption}\n{price}")
            # the style sheet's min-height wins over setMinimumHeight: a third line asks there
            lines = caption.count("\n") + 2
            button.setStyleSheet(f"min-height: {lines * metrics.lineSpacing()}px;"
                                 if lines > 2 else "")

    def _place(self) -> None:
        """Put the tiles in rows of :attr:`columns` (again after a resize changed it)."""
        self.columns = self._fitting_columns()
        self._wrap()
        for i, button in enumerate(self._buttons):
            self._grid.addWidget(button, i // self.columns, i % self.columns)
        for col in range(COLUMNS):
            self._grid.setColumnStretch(col, 1 if col < self.columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._buttons and self._fitting_columns() != self.columns:
            for button in self._buttons:
                self._grid.removeWidget(button)
            self._place()
        elif self._buttons and self.columns == 1:
            self._wrap()  # one column, narrower or wider: long captions break anew

    def _tapped(self, index: int) -> None:
        self.select(index)
        self.activated.emit(self._products[index])
