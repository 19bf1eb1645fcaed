"""The desk settings page's sentences (Indonesian, English), added to :data:`i18n.TEXT`."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "nav_settings": ("Pengaturan", "Settings"),
    "settings_help": ("Batas waktu komplain dan ambang insiden untuk semua proses server. "
                      "Setiap perubahan tercatat di log audit.",
                      "The complaint deadline and the incident thresholds, for every server "
                      "process. Each change is written to the audit log."),
    "settings_value": ("Nilai", "Value"),
    "settings_range": ("Bawaan dan batas", "Default and range"),
    "settings_save": ("Simpan pengaturan", "Save settings"),
    "settings_saved": ("Pengaturan disimpan: {names}.", "Settings saved: {names}."),
    "settings_unchanged": ("Tidak ada yang berubah.", "Nothing changed."),
    "setting_unknown": ("'{name}' bukan pengaturan.", "'{name}' is not a setting."),
    "setting_range": ("{label} harus bilangan bulat dari {low} sampai {high}; tidak ada yang "
                      "disimpan.", "{label} must be a whole number from {low} to {high}; "
                      "nothing was saved."),
    "setting_default": ("bawaan {value}", "default {value}"),
    "set_complaint_sla_minutes": ("Batas waktu jawab komplain (menit)",
                                  "Complaint answer deadline (minutes)"),
    "set_failure_rate_percent": ("Insiden: persen gagal ke supplier per operator (%)",
                                 "Incident: upstream failure rate per operator (%)"),
    "set_failure_window_minutes": ("Insiden: rentang hitung gagal (menit)",
                                   "Incident: failure window (minutes)"),
    "set_failure_min_calls": ("Insiden: minimal panggilan dalam rentang",
                              "Incident: fewest calls in the window"),
    "set_pending_minutes": ("Insiden: isi ulang pending lebih dari (menit)",
                            "Incident: top-up pending longer than (minutes)"),
    "set_silent_hours": ("Insiden: konter diam lebih dari (jam)",
                         "Incident: kiosk silent for more than (hours)"),
    "set_low_balance": ("Insiden: saldo supplier di bawah (Rp)",
                        "Incident: supplier balance under (Rp)"),
    "set_unmatched_days": ("Insiden: tiket deposit tak cocok, dilihat sampai (hari)",
                           "Incident: unmatched deposit tickets, looked back (days)"),
}
