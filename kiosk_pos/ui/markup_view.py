"""Aturan harga: the owner's screen for the selling price rules of electronic products. The
rules and fixed prices in a list; a form for a rule (kind, operator, rupiah and percent
added), one for a SKU's fixed price, and the rounding step. Each change is previewed (how
many prices move) and confirmed before the core saves it with the repricing, in one
transaction (``core/markup_rules.py``, owner only)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.goods import whole_number, whole_rupiah
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.markup_rules import Repriced, for_kiosk
from kiosk_pos.core.pricing import MarkupRule, PricingPolicy
from kiosk_pos.core.records import ProductKind, User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.goods_view import ask_yes, rp
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

Confirm = Callable[[str], bool]
Change = Callable[[PricingPolicy], PricingPolicy]
KINDS = (None, ProductKind.PULSA, ProductKind.DATA, ProductKind.PLN, ProductKind.EWALLET)


class MarkupView(QWidget):
    loaded = Signal()
    saved = Signal(object)  # list[Repriced]

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, *,
                 confirm: Confirm = ask_yes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks, self._confirm = kiosk, user, tasks, confirm
        self.policy: PricingPolicy | None = None
        self._shown: list[MarkupRule | str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("markup.title"), "large"))
        explain = label(tr("markup.explain"))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr(f"markup.col.{c}") for c in
                                              ("kind", "operator", "markup")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._picked)
        layout.addWidget(self.table, 1)
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(tr(f"kind.{kind.value}") if kind else tr("markup.any_kind"))
        self.operator, self.fixed, self.percent = QLineEdit(), QLineEdit(), QLineEdit()
        self.operator.setPlaceholderText(tr("markup.operator_hint"))
        self.sku, self.price, self.step = QLineEdit(), QLineEdit(), QLineEdit()
        self.save_rule = QPushButton(tr("markup.save_rule"))
        self.save_rule.setObjectName("primary")
        self.save_rule.clicked.connect(self.set_rule)
        self.remove_rule = QPushButton(tr("markup.remove_rule"))
        self.remove_rule.clicked.connect(self.drop_rule)
        self.save_price = QPushButton(tr("markup.save_price"))
        self.save_price.clicked.connect(self.set_price)
        self.clear_price = QPushButton(tr("markup.clear_price"))
        self.clear_price.clicked.connect(lambda: self.set_price(clear=True))
        self.save_step = QPushButton(tr("markup.save_step"))
        self.save_step.clicked.connect(self.set_step)
        form = QGridLayout()  # each field under its caption: a value is never unexplained
        for col, (key, field) in enumerate((("kind", self.kind), ("operator", self.operator),
                                            ("fixed", self.fixed), ("percent", self.percent),
                                            ("step", self.step))):
            form.addWidget(QLabel(tr(f"markup.{key}")), 0, col)
            form.addWidget(field, 1, col)
        form.addWidget(self.save_rule, 2, 0, 1, 2)
        form.addWidget(self.remove_rule, 2, 2, 1, 2)
        form.addWidget(self.save_step, 2, 4)
        for col, (key, field) in enumerate((("sku", self.sku), ("price", self.price))):
            form.addWidget(QLabel(tr(f"markup.{key}")), 3, col)
            form.addWidget(field, 4, col)
        form.addWidget(self.save_price, 4, 2)
        form.addWidget(self.clear_price, 4, 3, 1, 2)
        layout.addLayout(form)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        rules = for_kiosk(self._kiosk)
        QueryOp(self, rules.policy).success(self._loaded).failure(self._failed).run(self._tasks)

    def _loaded(self, policy: PricingPolicy) -> None:
        self.policy = policy
        any_kind, any_op = tr("markup.any_kind"), tr("markup.any_operator")
        ordered = sorted(policy.rules, key=lambda r: (r.specificity, r.kind or "",
                                                      r.operator or ""))
        rows = [[tr(f"kind.{r.kind.value}") if r.kind else any_kind, r.operator or any_op,
                 r.describe()] for r in ordered]
        rows += [[tr("markup.fixed_row"), sku, rp(price)]
                 for sku, price in sorted(policy.overrides.items())]
        self._shown = [*ordered, *sorted(policy.overrides)]
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.step.setText(str(policy.step))
        self.loaded.emit()

    def _picked(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._shown):
            return
        picked = self._shown[row]
        if isinstance(picked, MarkupRule):
            self.kind.setCurrentIndex(KINDS.index(picked.kind))
            self.operator.setText(picked.operator or "")
            self.fixed.setText(str(picked.fixed))
            self.percent.setText(f"{picked.percent.normalize():f}")
        elif self.policy is not None:
            self.sku.setText(picked)
            self.price.setText(str(self.policy.overrides[picked]))

    # -- changing ----------------------------------------------------------------------------
    def _rule(self, fixed: str = "0", percent: str = "0") -> MarkupRule:
        return MarkupRule(KINDS[self.kind.currentIndex()], self.operator.text().strip() or None,
                          whole_rupiah(fixed.strip() or "0"), percent.strip() or "0")

    def set_rule(self) -> None:
        fixed, percent = self.fixed.text(), self.percent.text()
        self._change(lambda p: p.with_rule(self._rule(fixed, percent)))

    def drop_rule(self) -> None:
        kind, operator = KINDS[self.kind.currentIndex()], self.operator.text().strip() or None
        self._change(lambda p: p.without_rule(kind, operator))

    def set_price(self, clear: bool = False) -> None:
        sku, price = self.sku.text().strip(), self.price.text()
        self._change(lambda p: p.with_override(sku, None if clear else whole_rupiah(price)))

    def set_step(self) -> None:
        step = self.step.text()
        self._change(lambda p: p.with_step(whole_number(step.strip() or "0")))

    def _change(self, change: Change) -> None:
        """Preview the new rules (off the UI thread), confirm, then save them."""
        rules = for_kiosk(self._kiosk)

        def preview() -> tuple[PricingPolicy, list[Repriced]]:
            policy = change(rules.policy())
            return policy, rules.preview(policy)

        QueryOp(self, preview).success(self._previewed).failure(self._failed).run(self._tasks)

    def _previewed(self, result: tuple[PricingPolicy, list[Repriced]]) -> None:
        policy, moved = result
        if not self._confirm(tr("markup.confirm", count=len(moved))):
            self.status.setText(tr("markup.not_saved"))
            return
        user, rules = self._user, for_kiosk(self._kiosk)
        WriteOp(self, lambda: rules.save(user, policy)).success(self._saved).failure(
            self._failed).run(self._tasks)

    def _saved(self, moved: list[Repriced]) -> None:
        self.status.setText(tr("markup.saved", count=len(moved)))
        self.saved.emit(moved)
        self.refresh()

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
