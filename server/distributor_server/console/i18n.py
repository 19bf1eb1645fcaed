"""The console's sentences, Indonesian first (the default) and English. ``{name}`` fields."""

from __future__ import annotations

from datetime import datetime

from pulsa_protocol.money import format_rupiah

from distributor_server.clock import local_zone

LANGS = ("id", "en")
DEFAULT = "id"

TEXT: dict[str, tuple[str, str]] = {
    # frame
    "app_name": ("Meja Layanan Distributor", "Distributor service desk"),
    "nav_dashboard": ("Ringkasan", "Dashboard"),
    "nav_kiosks": ("Konter", "Kiosks"),
    "nav_deposits": ("Deposit", "Deposits"),
    "nav_transactions": ("Transaksi", "Transactions"),
    "nav_audit": ("Log audit", "Audit log"),
    "sign_out": ("Keluar", "Sign out"),
    "signed_in_as": ("Masuk sebagai {user} ({role})", "Signed in as {user} ({role})"),
    "role_admin": ("admin", "admin"), "role_desk": ("layanan", "desk"),
    "role_finance": ("keuangan", "finance"), "role_viewer": ("pengamat", "viewer"),
    # sign-in
    "signin_title": ("Masuk staf", "Staff sign-in"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "next": ("Lanjut", "Continue"),
    "code_title": ("Kode verifikasi", "Verification code"),
    "code_help": ("Ketik 6 angka dari aplikasi autentikator Anda, atau satu kode pemulihan.",
                  "Type the 6 digits from your authenticator app, or one recovery code."),
    "code": ("Kode", "Code"),
    "sign_in": ("Masuk", "Sign in"),
    "start_over": ("Mulai lagi", "Start over"),
    "bad_credentials": ("Nama pengguna atau kata sandi salah. Periksa lalu coba lagi.",
                        "The username or password is wrong. Check them and try again."),
    "locked": ("Akun ini dikunci 15 menit setelah 5 kali gagal. Coba lagi nanti atau hubungi "
               "admin.", "This account is locked for 15 minutes after 5 failed attempts. Try "
               "again later or ask an admin."),
    "code_wrong": ("Kode salah. Ketik 6 angka yang tampil sekarang di aplikasi autentikator.",
                   "The code is wrong. Type the 6 digits your authenticator app shows now."),
    "code_used": ("Kode itu sudah dipakai. Tunggu kode berikutnya lalu coba lagi.",
                  "That code was already used. Wait for the next code and try again."),
    "signin_expired": ("Waktu memasukkan kode habis. Masuk lagi dengan kata sandi.",
                       "The time to enter the code ran out. Sign in again with your password."),
    "csrf_bad": ("Formulir ini kedaluwarsa atau bukan dari konsol. Muat ulang halaman lalu "
                 "coba lagi.", "This form expired or did not come from the console. Reload "
                 "the page and try again."),
    "forbidden_title": ("Tidak diizinkan", "Not allowed"),
    "forbidden": ("Peran Anda ({role}) tidak boleh membuka halaman ini. Minta admin bila "
                  "perlu.", "Your role ({role}) may not open this page. Ask an admin if you "
                  "need it."),
    "not_found": ("Halaman atau data itu tidak ada.", "That page or record does not exist."),
    "back_home": ("Kembali ke ringkasan", "Back to the dashboard"),
    # dashboard
    "today": ("Hari ini", "Today"),
    "topups_today": ("Transaksi hari ini", "Top-ups today"),
    "operator": ("Operator", "Operator"),
    "count": ("Jumlah", "Count"),
    "st_success": ("Sukses", "Success"), "st_failed": ("Gagal", "Failed"),
    "st_pending": ("Pending", "Pending"),
    "value": ("Nilai", "Value"),
    "total": ("Total", "Total"),
    "deposits_today": ("Deposit masuk hari ini", "Deposits received today"),
    "n_transfers": ("{n} transfer", "{n} transfers"),
    "balances_total": ("Total saldo konter", "Kiosk balances total"),
    "n_kiosks": ("{n} konter aktif", "{n} active kiosks"),
    "open_tickets": ("Tiket deposit menunggu", "Deposit tickets waiting"),
    "incidents": ("Insiden perlu dicek", "Incidents to check"),
    "no_topups_today": ("Belum ada transaksi hari ini.", "No top-ups today yet."),
    # kiosks
    "kiosk": ("Konter", "Kiosk"),
    "name": ("Nama", "Name"),
    "last_seen": ("Terakhir terlihat", "Last seen"),
    "balance": ("Saldo", "Balance"),
    "sales_today": ("Penjualan hari ini", "Sales today"),
    "never": ("belum pernah", "never"),
    "inactive": ("nonaktif", "disabled"),
    "no_kiosks": ("Belum ada konter. Admin menambahkannya di sini (Tambah konter) atau dengan "
                  "'distributor-server kiosk add'.", "No kiosks yet. An admin adds one here "
                  "(Add kiosk) or with 'distributor-server kiosk add'."),
    "ledger": ("Mutasi saldo", "Ledger (mutasi)"),
    "recent_topups": ("Transaksi terakhir", "Recent top-ups"),
    "tickets": ("Tiket deposit", "Deposit tickets"),
    "no_rows": ("Tidak ada data.", "Nothing here."),
    "when": ("Waktu", "When"), "reason": ("Keterangan", "Reason"),
    "amount": ("Jumlah", "Amount"), "balance_after": ("Saldo akhir", "Balance after"),
    "reference": ("Referensi", "Reference"),
    "lr_topup": ("transaksi", "top-up"), "lr_refund": ("refund", "refund"),
    "lr_deposit": ("deposit manual", "manual deposit"),
    "lr_deposit_ticket": ("deposit tiket", "deposit ticket"),
    "lr_correction": ("koreksi", "correction"),
    "adjust_title": ("Tambah atau kurangi saldo", "Credit or debit the balance"),
    "credit": ("Tambah (kredit)", "Credit"), "debit": ("Kurangi (debit)", "Debit"),
    "reason_help": ("Wajib diisi, tercatat di mutasi dan log audit.",
                    "Required; kept in the ledger and the audit log."),
    "save": ("Simpan", "Save"),
    "adjusted": ("Saldo {kiosk} sekarang {balance}.", "{kiosk}'s balance is now {balance}."),
    # deposits
    "pending_tickets": ("Tiket deposit menunggu transfer", "Deposit tickets waiting for a "
                        "transfer"),
    "deposits_help": ("Cocokkan jumlah unik dengan mutasi bank, lalu konfirmasi. Saldo konter "
                      "bertambah sekali saja.", "Match the unique amount with the bank "
                      "statement, then confirm. The kiosk is credited once."),
    "ticket": ("Tiket", "Ticket"),
    "requested": ("Diminta", "Requested"), "unique_code": ("Kode unik", "Unique code"),
    "to_transfer": ("Harus ditransfer", "To transfer"),
    "created": ("Dibuat", "Created"), "expires": ("Berlaku sampai", "Expires"),
    "status": ("Status", "Status"),
    "confirm": ("Konfirmasi", "Confirm"), "reject": ("Tolak", "Reject"),
    "reject_reason": ("Alasan penolakan", "Reason for rejecting"),
    "no_pending": ("Tidak ada tiket yang menunggu.", "No tickets are waiting."),
    "recent_closed": ("Tiket yang sudah selesai", "Tickets already handled"),
    "ref_id": ("Ref ID konter", "Kiosk ref ID"),
    "upstream_ref": ("Ref supplier", "Supplier ref"),
    "confirmed_msg": ("Tiket {id} dikonfirmasi: {amount} masuk ke saldo {kiosk}.",
                      "Ticket {id} confirmed: {amount} credited to {kiosk}."),
    "rejected_msg": ("Tiket {id} ditolak.", "Ticket {id} rejected."),
    "ts_open": ("menunggu", "open"), "ts_confirmed": ("dikonfirmasi", "confirmed"),
    "ts_expired": ("kedaluwarsa", "expired"), "ts_rejected": ("ditolak", "rejected"),
    "ticket_missing": ("Tiket {id} tidak ada.", "There is no ticket {id}."),
    "ticket_already_confirmed": ("Tiket {id} sudah dikonfirmasi; saldo tidak ditambah lagi.",
                                 "Ticket {id} is already confirmed; nothing was credited again."),
    "ticket_not_open": ("Tiket {id} tidak bisa diproses karena statusnya {status}. Untuk "
                        "transfer yang tetap masuk, pakai tambah saldo di halaman konter.",
                        "Ticket {id} cannot be handled: it is {status}. For a transfer that "
                        "arrived anyway, credit it on the kiosk's page."),
    "reason_needed": ("Isi alasannya dulu.", "Fill in the reason first."),
    "amount_bad": ("Jumlah harus angka rupiah bulat lebih dari 0, misalnya 50000.",
                   "The amount must be a whole number of rupiah above 0, e.g. 50000."),
    "kiosk_missing": ("Konter {id} tidak ada.", "There is no kiosk {id}."),
    "balance_negative": ("Saldo konter {id} tidak boleh minus; kurangi jumlahnya.",
                         "Kiosk {id}'s balance may not go below zero; lower the amount."),
    # transactions
    "search": ("Cari", "Search"),
    "day": ("Tanggal", "Date"),
    "search_help": ("Nomor tujuan, ref_id atau SN", "Destination, ref_id or SN"),
    "all_kiosks": ("Semua konter", "All kiosks"), "all_statuses": ("Semua status",
                                                                   "All statuses"),
    "destination": ("Tujuan", "Destination"), "product": ("Produk", "Product"),
    "price": ("Harga", "Price"), "sn": ("SN", "SN"), "message": ("Pesan", "Message"),
    "timeline": ("Riwayat transaksi", "Timeline"),
    "tl_sold": ("Dijual di konter", "Sold at the kiosk"),
    "tl_received": ("Diterima server", "Received by the server"),
    "tl_topup": ("Saldo konter dipotong", "Kiosk deposit debited"),
    "tl_refund": ("Dana dikembalikan ke konter", "Refunded to the kiosk"),
    "tl_checks": ("Dikirim/dicek ke supplier (kali)", "Sent to / checked with the supplier "
                  "(times)"),
    "tl_success": ("Sukses dari supplier", "Success from the supplier"),
    "tl_failed": ("Gagal dari supplier", "Failed at the supplier"),
    "tl_incident": ("Insiden", "Incident"),
    "results_limit": ("Menampilkan paling banyak 100 hasil terbaru.",
                      "Showing at most the 100 newest results."),
    # audit
    "who": ("Siapa", "Who"), "action": ("Aksi", "Action"), "target": ("Objek", "Target"),
    "before": ("Sebelum", "Before"), "after": ("Sesudah", "After"),
    "address": ("Alamat", "Address"),
    "language": ("Bahasa", "Language"),
}


def _more() -> None:
    from distributor_server.console.i18n_desk import TEXT as DESK

    TEXT.update(DESK)


_more()


def t(lang: str, key: str, **values: object) -> str:
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1 if lang == "en" else 0]
    return text.format(**values) if values else text


def rp(amount: int | None) -> str:
    return "" if amount is None else format_rupiah(amount)


def local_time(value: datetime | None, zone_name: str, fmt: str = "%d-%m-%Y %H:%M") -> str:
    if value is None:
        return "—"
    return value.astimezone(local_zone(zone_name)).strftime(fmt)
