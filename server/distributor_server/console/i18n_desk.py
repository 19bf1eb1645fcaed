"""The console's sentences for the desk's pages added later: incidents, the price list,
adding kiosks, the bank statement import and staff (Indonesian first, then English)."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # dashboard
    "upstream_today": ("Supplier hari ini (berhasil)", "Upstream today (success)"),
    "n_calls": ("{n} panggilan", "{n} calls"),
    "latency": ("waktu respons", "latency"),
    "upstream_balance": ("Saldo di supplier", "Balance at the supplier"),
    "balance_read_at": ("dibaca {at}", "read {at}"),
    "balance_unknown": ("belum terbaca", "not read yet"),
    # incidents
    "nav_incidents": ("Insiden", "Incidents"),
    "incident": ("Insiden", "Incident"),
    "incidents_help": ("Kejadian yang mirip digabung menjadi satu insiden. Tandai 'sedang "
                       "ditangani', lalu selesaikan dengan catatan apa yang dilakukan.",
                       "Similar events are grouped into one incident. Mark it as being "
                       "handled, then resolve it with a note of what was done."),
    "inc_live": ("Belum selesai", "Not resolved"), "inc_all": ("Semua", "All"),
    "inc_kind": ("Jenis", "Kind"), "inc_subject": ("Tentang", "About"),
    "inc_events": ("Kejadian", "Events"), "inc_last": ("Terakhir", "Latest"),
    "inc_detail": ("Rincian", "Detail"),
    "no_incidents": ("Tidak ada insiden yang perlu ditangani.", "No incidents to handle."),
    "is_open": ("baru", "open"), "is_acknowledged": ("sedang ditangani", "acknowledged"),
    "is_resolved": ("selesai", "resolved"),
    "ik_upstream_failures": ("Gangguan supplier", "Upstream failures"),
    "ik_pending_too_long": ("Transaksi pending terlalu lama", "Top-up pending too long"),
    "ik_ticket_unmatched": ("Tiket deposit tak tercocokkan", "Deposit ticket unmatched"),
    "ik_kiosk_silent": ("Konter tidak aktif berjam-jam", "Kiosk silent for hours"),
    "ik_upstream_balance_low": ("Saldo supplier menipis", "Upstream balance low"),
    "ik_kiosk_clock_off": ("Jam konter salah", "Kiosk clock off"),
    "ik_bad_signatures": ("Tanda tangan salah berulang", "Repeated bad signatures"),
    "ik_success_after_refund": ("Sukses setelah refund", "Success after refund"),
    "iev_opened": ("Insiden dibuka", "Incident opened"),
    "iev_acknowledged": ("Sedang ditangani", "Acknowledged"),
    "iev_resolved": ("Diselesaikan", "Resolved"),
    "inc_acknowledge": ("Tandai sedang ditangani", "Acknowledge"),
    "inc_resolve": ("Selesaikan", "Resolve"),
    "inc_resolution": ("Catatan penyelesaian", "Resolution note"),
    "inc_note_help": ("Apa yang dilakukan, mis. 'supplier pulih pukul 10.20'",
                      "What was done, e.g. 'supplier back at 10:20'"),
    "inc_ack_by": ("Ditangani oleh", "Acknowledged by"),
    "inc_resolved_by": ("Diselesaikan oleh", "Resolved by"),
    "incident_acknowledged": ("Insiden {id} ditandai sedang ditangani.",
                              "Incident {id} acknowledged."),
    "incident_resolved": ("Insiden {id} selesai.", "Incident {id} resolved."),
    "incident_missing": ("Insiden {id} tidak ada.", "There is no incident {id}."),
    "incident_not_open": ("Insiden {id} sudah ditangani.", "Incident {id} is already being "
                          "handled."),
    "inc_timeline": ("Riwayat insiden", "Incident timeline"),
    "ed_upstream_failures": (
        "{operator}: {pct}% dari {calls} panggilan ke supplier dalam {minutes} menit gagal "
        "({failed} gagal, {unanswered} tanpa jawaban)",
        "{operator}: {pct}% of {calls} upstream calls in {minutes} minutes failed ({failed} "
        "failed, {unanswered} unanswered)"),
    "ed_pending_too_long": (
        "{sku} ke {destination} ({price}, konter {kiosk}) pending {minutes} menit setelah "
        "{checks} kali cek", "{sku} to {destination} ({price}, kiosk {kiosk}) pending for "
        "{minutes} minutes after {checks} checks"),
    "ed_ticket_unmatched": (
        "Tiket deposit {ticket} konter {kiosk} sebesar {amount} kedaluwarsa tanpa transfer "
        "yang cocok", "Deposit ticket {ticket} of kiosk {kiosk} for {amount} expired without "
        "a matching transfer"),
    "ed_kiosk_silent": ("Konter {kiosk} tidak terdengar selama {hours} jam",
                        "Kiosk {kiosk} has not been heard from for {hours} hours"),
    "ed_upstream_balance_low": ("Saldo di supplier {balance}, di bawah {limit}",
                                "The supplier balance is {balance}, under {limit}"),
    "ed_bad_signatures": (
        "{count} permintaan bertanda tangan salah dari {address} dalam {minutes} menit "
        "(terakhir mengaku konter {kiosk})", "{count} requests with a wrong signature from "
        "{address} in {minutes} minutes (the last claimed kiosk {kiosk})"),
    "ed_kiosk_clock_off": ("Jam konter {kiosk} selisih {skew} detik; permintaannya ditolak",
                           "Kiosk {kiosk}'s clock is {skew} seconds off; its requests are "
                           "refused"),
    "ed_success_after_refund": (
        "Supplier melaporkan Sukses (SN {sn}) setelah konter direfund (ref {ref})",
        "The supplier reported Sukses (SN {sn}) after the kiosk was refunded (ref {ref})"),
    "incident_already_resolved": ("Insiden {id} sudah selesai.",
                                  "Incident {id} is already resolved."),
    "resolution_needed": ("Tulis dulu apa yang dilakukan, lalu selesaikan.",
                          "Write what was done first, then resolve."),
    # kiosks: add, rotate, disable
    "kiosk_add": ("Tambah konter", "Add kiosk"),
    "kiosk_add_help": ("Konter baru mendapat ID dan kunci rahasia. Kunci hanya tampil sekali; "
                       "masukkan di aplikasi konter (atau pindai QR-nya) saat itu juga.",
                       "A new kiosk gets an id and a secret. The secret shows only once; "
                       "enter it in the kiosk app (or scan its QR code) right away."),
    "kiosk_name": ("Nama konter", "Kiosk name"),
    "kiosk_name_help": ("mis. Konter Sumber Rejeki", "e.g. Konter Sumber Rejeki"),
    "kiosk_create": ("Buat konter", "Create kiosk"),
    "kiosk_name_bad": ("Isi nama konter (paling banyak 120 huruf).",
                       "Fill in the kiosk's name (at most 120 characters)."),
    "kiosk_created_title": ("{name} dibuat", "{name} created"),
    "kiosk_rotated_title": ("Kunci baru untuk {name}", "New secret for {name}"),
    "secret_once": ("Kunci ini hanya tampil sekarang. Salin atau pindai sebelum meninggalkan "
                    "halaman ini.", "This secret shows only now. Copy or scan it before you "
                    "leave this page."),
    "secret_help": ("Di aplikasi konter: Pengaturan → Server, pindai QR ini atau ketik alamat "
                    "server, ID konter dan kuncinya. Kunci lama (bila ada) sudah tidak berlaku.",
                    "In the kiosk app: Settings → Server, scan this QR code or type the server "
                    "address, kiosk id and secret. The old secret (if any) no longer works."),
    "secret_done": ("Sudah saya catat, lanjut ke halaman konter", "I have it, go to the "
                    "kiosk's page"),
    "secret_gone_title": ("Kunci tidak bisa ditampilkan lagi", "The secret cannot be shown "
                          "again"),
    "secret_gone": ("Tautan ini sudah kedaluwarsa atau kuncinya sudah diganti. Bila kunci belum "
                    "tercatat, ganti kunci rahasia di halaman konter.", "This link expired or "
                    "the secret was rotated since. If the secret was not noted, rotate it on "
                    "the kiosk's page."),
    "server_address": ("Alamat server", "Server address"),
    "kiosk_id": ("ID konter", "Kiosk id"), "secret": ("Kunci rahasia", "Secret"),
    "kiosk_rotate": ("Ganti kunci rahasia", "Rotate secret"),
    "kiosk_disable": ("Nonaktifkan konter", "Disable kiosk"),
    "kiosk_enable": ("Aktifkan lagi", "Enable again"),
    "kiosk_disabled": ("{kiosk} dinonaktifkan: permintaannya ditolak sampai diaktifkan lagi.",
                       "{kiosk} is disabled: its requests are refused until it is enabled."),
    "kiosk_enabled": ("{kiosk} aktif lagi.", "{kiosk} is enabled again."),
    # price list
    "nav_prices": ("Isi jual", "Price list"),
    "prices_help": ("Harga jual ke konter. Setiap perubahan terbit sebagai versi baru daftar "
                    "harga; konter mengambilnya saat sinkron.", "The selling price to kiosks. "
                    "Every change is published as a new price list version; kiosks pull it "
                    "when they sync."),
    "all": ("Semua", "All"), "kind": ("Jenis", "Kind"), "show": ("Tampilkan", "Show"),
    "markup_rules": ("Aturan markup", "Markup rules"),
    "rules_help": ("Harga jual = modal + markup, dibulatkan ke atas. Aturan paling khusus "
                   "(operator dan jenis) yang dipakai.", "Selling price = cost + markup, "
                   "rounded up. The most specific rule (operator and kind) applies."),
    "markup": ("Markup", "Markup"), "round_to": ("Bulatkan ke", "Round up to"),
    "delete": ("Hapus", "Delete"),
    "apply_rules": ("Terapkan aturan ke harga yang tampil", "Apply the rules to the shown "
                    "prices"),
    "cost": ("Modal", "Cost"), "sell_price": ("Harga jual", "Selling price"),
    "margin": ("Laba", "Margin"), "suggested": ("Menurut aturan", "By the rules"),
    "on_sale": ("dijual", "on sale"), "off_sale": ("tidak dijual", "off"),
    "turn_off": ("Matikan", "Turn off"), "turn_on": ("Jual lagi", "Turn on"),
    "edit": ("Ubah", "Edit"),
    "prices_published": ("{n} harga diterbitkan sebagai versi {version}.",
                         "{n} prices published as version {version}."),
    "prices_unchanged": ("Tidak ada yang berubah.", "Nothing changed."),
    "product_saved": ("{sku} disimpan; daftar harga versi {version}.",
                      "{sku} saved; price list version {version}."),
    "product_missing": ("Produk itu tidak ada.", "That product does not exist."),
    "rule_saved": ("Aturan markup disimpan. Terapkan aturan untuk mengubah harga.",
                   "Markup rule saved. Apply the rules to change the prices."),
    "rule_deleted": ("Aturan markup dihapus.", "Markup rule deleted."),
    "rule_missing": ("Aturan itu tidak ada.", "That rule does not exist."),
    "rule_operator_bad": ("Operator itu tidak dikenal.", "That operator is unknown."),
    "rule_kind_bad": ("Jenis produk itu tidak dikenal.", "That product kind is unknown."),
    "rule_numbers_bad": ("Markup harus angka rupiah bulat (0 atau lebih) dan pembulatan 1 "
                         "sampai 100000.", "The markup must be whole rupiah (0 or more) and "
                         "the rounding 1 to 100000."),
    # bank statement import
    "import_title": ("Impor mutasi bank (CSV)", "Import a bank statement (CSV)"),
    "import_file": ("Berkas CSV mutasi rekening", "The account statement CSV"),
    "import_check": ("Periksa dulu", "Check first"),
    "import_help": ("Belum ada yang dikonfirmasi sebelum Anda menekan 'Konfirmasi'. Kolom "
                    "jumlah (jumlah/kredit/mutasi) wajib ada; baris debit dilewati.",
                    "Nothing is confirmed until you press 'Confirm'. An amount column "
                    "(jumlah/credit/amount) is required; debit rows are skipped."),
    "import_dry_help": ("Hasil pemeriksaan: {n} transfer cocok dengan tiket yang menunggu. "
                        "Belum ada saldo yang ditambah.", "Check result: {n} transfers match "
                        "a waiting ticket. No balance has been credited yet."),
    "import_apply_help": ("Konfirmasi {n} tiket yang cocok sekarang.",
                          "Confirm the {n} matching tickets now."),
    "import_apply": ("Konfirmasi {n} tiket", "Confirm {n} tickets"),
    "import_applied": ("{n} tiket dikonfirmasi dari mutasi bank; {refused} dilewati (sudah "
                       "dikonfirmasi atau berubah).", "{n} tickets confirmed from the bank "
                       "statement; {refused} skipped (already confirmed or changed)."),
    "line": ("Baris", "Line"), "result": ("Hasil", "Result"),
    "im_match": ("cocok: tiket {id} ({kiosk})", "matches ticket {id} ({kiosk})"),
    "im_expired": ("tiket {id} ({kiosk}) sudah kedaluwarsa: tambah saldo manual",
                   "ticket {id} ({kiosk}) expired: credit it by hand"),
    "im_already_confirmed": ("tiket {id} ({kiosk}) sudah dikonfirmasi",
                             "ticket {id} ({kiosk}) is already confirmed"),
    "im_no_ticket": ("tidak ada tiket dengan jumlah ini", "no ticket has this amount"),
    "im_duplicate": ("jumlah sama dengan baris sebelumnya", "same amount as an earlier row"),
    "im_skipped": ("dilewati (debit atau bukan rupiah bulat)",
                   "skipped (a debit or not whole rupiah)"),
    "csv_too_big": ("Berkas terlalu besar (maks. 512 KB); ekspor rentang tanggal yang lebih "
                    "pendek.", "The file is too big (512 KB at most); export a shorter date "
                    "range."),
    "csv_empty": ("Berkas kosong. Pilih CSV mutasi dari internet banking.",
                  "The file is empty. Choose the statement CSV from internet banking."),
    "csv_no_amount": ("Kolom jumlah tidak ditemukan. Pastikan baris judul memuat 'Jumlah', "
                      "'Kredit' atau 'Amount'.", "No amount column found. Make sure the "
                      "header row has 'Jumlah', 'Kredit' or 'Amount'."),
    # staff
    "nav_staff": ("Staf", "Staff"),
    "role": ("Peran", "Role"),
    "staff_add": ("Tambah staf", "Add staff"),
    "staff_add_help": ("Kata sandi pertama minimal 12 huruf. Staf memindai QR autentikator "
                       "yang tampil sesudahnya.", "The first password needs 12 characters or "
                       "more. The staff member scans the authenticator QR code shown next."),
    "first_password": ("Kata sandi pertama", "First password"),
    "new_password": ("Kata sandi baru", "New password"),
    "staff_create": ("Buat akun", "Create account"),
    "staff_active": ("aktif", "active"), "staff_locked": ("terkunci", "locked"),
    "staff_disable": ("Nonaktifkan", "Disable"), "staff_enable": ("Aktifkan", "Enable"),
    "staff_reset": ("Atur ulang", "Reset"),
    "staff_created_title": ("Akun {user} dibuat", "Account {user} created"),
    "staff_reset_title": ("Akun {user} diatur ulang", "Account {user} reset"),
    "enrolment_once": ("QR, kode dan kode pemulihan ini hanya tampil sekarang. Serahkan ke "
                       "pemilik akun sebelum meninggalkan halaman ini.", "This QR code, URI "
                       "and the recovery codes show only now. Hand them to the account's "
                       "owner before leaving this page."),
    "enrolment_help": ("Pindai QR dengan aplikasi autentikator (Google Authenticator, Aegis, "
                       "...). Tiap kode pemulihan berlaku sekali.", "Scan the QR code with an "
                       "authenticator app (Google Authenticator, Aegis, ...). Each recovery "
                       "code works once."),
    "recovery_codes": ("Kode pemulihan", "Recovery codes"),
    "enrolment_gone_title": ("Kode akun tidak bisa ditampilkan lagi", "The account's codes "
                             "cannot be shown again"),
    "enrolment_gone": ("Tautan ini sudah kedaluwarsa atau akunnya sudah memakai kode barunya. "
                       "Bila kode belum tercatat, atur ulang akun itu lagi di halaman Staf.",
                       "This link expired or the account has used its new codes already. If "
                       "the codes were not noted, reset the account again on the Staff page."),
    "staff_disabled": ("{user} dinonaktifkan dan dikeluarkan dari semua sesi.",
                       "{user} is disabled and signed out everywhere."),
    "staff_enabled": ("{user} aktif lagi.", "{user} is enabled again."),
    "staff_missing": ("Akun staf itu tidak ada.", "That staff account does not exist."),
    "staff_self": ("Anda tidak bisa melakukannya pada akun sendiri.",
                   "You cannot do this to your own account."),
    "username_bad": ("Nama pengguna 3-64 huruf kecil, angka, '.', '_' atau '-'.",
                     "A username is 3-64 lowercase letters, digits, '.', '_' or '-'."),
    "username_taken": ("Nama pengguna itu sudah dipakai.", "That username is taken."),
    "role_bad": ("Pilih peran yang ada.", "Choose one of the roles."),
    "password_short": ("Kata sandi minimal 12 huruf.", "The password needs at least 12 "
                       "characters."),
    "password_long": ("Kata sandi terlalu panjang.", "The password is too long."),
    "password_common": ("Kata sandi itu terlalu mudah ditebak; pilih yang lain.",
                        "That password is too easy to guess; choose another one."),
}
