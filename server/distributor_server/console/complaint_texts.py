"""The complaint pages' sentences (Indonesian, English), added to :data:`i18n.TEXT`."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "nav_complaints": ("Komplain", "Complaints"),
    "complaints_title": ("Antrean komplain", "Complaint queue"),
    "complaints_help": ("Yang terlama di atas. Komplain dijawab paling lambat {sla} setelah "
                        "masuk.", "Oldest first. A complaint is answered within {sla} of "
                        "filing."),
    "sla_hours": ("{n} jam", "{n} hours"), "sla_minutes": ("{n} menit", "{n} minutes"),
    "no_complaints": ("Tidak ada komplain yang menunggu.", "No complaint is waiting."),
    "recent_complaints": ("Komplain yang sudah ditutup", "Closed complaints"),
    "complaint": ("Komplain", "Complaint"), "age": ("Umur", "Age"), "sla": ("SLA", "SLA"),
    "sla_late": ("Lewat SLA", "Past SLA"), "sla_left": ("sisa {left}", "{left} left"),
    "reason": ("Alasan", "Reason"), "note": ("Catatan", "Note"),
    "refunded": ("Dikembalikan", "Refunded"), "topup": ("Isi ulang", "Top-up"),
    "cr_not_received": ("Pulsa belum masuk", "Top-up not received"),
    "cr_wrong_number": ("Salah nomor", "Wrong number"),
    "cr_token_unusable": ("Token tidak bisa dipakai", "Token cannot be used"),
    "cr_other": ("Lainnya", "Other"),
    "cs_open": ("Menunggu", "Waiting"), "cs_answered": ("Dijawab", "Answered"),
    "cs_closed": ("Ditutup", "Closed"),
    "steps": ("Langkah komplain", "Complaint steps"),
    "step_filed": ("Komplain masuk dari konter", "Filed by the kiosk"),
    "step_rechecked": ("Dicek ulang ke supplier", "Checked with the supplier again"),
    "step_text": ("Dijawab", "Answered"), "step_sn": ("Bukti SN dikirim", "SN proof sent"),
    "step_resend": ("Dikirim ulang", "Sent again"),
    "step_refund": ("Dana dikembalikan ke deposit", "Refunded to the deposit"),
    "step_closed": ("Ditutup", "Closed"),
    "recheck": ("Cek ulang ke supplier", "Check upstream again"),
    "answer_text": ("Jawaban", "Answer"), "send_answer": ("Kirim jawaban", "Send answer"),
    "send_sn": ("Kirim bukti SN", "Send SN proof"),
    "resend_topup": ("Kirim ulang isi ulang", "Send the top-up again"),
    "resend_help": ("Membeli produk yang sama ke nomor yang sama sekali lagi, atas biaya "
                    "distributor.", "Buys the same product for the same number once more, "
                    "at the distributor's cost."),
    "refund_to_deposit": ("Kembalikan ke deposit", "Refund to the deposit"),
    "refund_amount": ("Jumlah (kosong = sisa harga {room})",
                      "Amount (empty = what is left of the price, {room})"),
    "close_complaint": ("Tutup komplain", "Close the complaint"),
    "closed_note": ("Komplain ini sudah ditutup.", "This complaint is closed."),
    "complaint_missing": ("Komplain #{id} tidak ada.", "There is no complaint #{id}."),
    "complaint_closed": ("Komplain #{id} sudah ditutup.", "Complaint #{id} is closed."),
    "answer_needed": ("Tulis jawabannya dulu.", "Write the answer first."),
    "sn_needed": ("Isi ulang ini belum punya SN; ketik SN dari supplier.",
                  "This top-up has no SN yet; type the SN from the supplier."),
    "refund_failed_topup": ("Isi ulang ini gagal dan sudah dikembalikan otomatis; tidak bisa "
                            "dikembalikan lagi.", "This top-up failed and was refunded "
                            "automatically; it cannot be refunded again."),
    "refund_pending_topup": ("Isi ulang ini masih menunggu supplier; cek ulang ke supplier "
                             "dulu, lalu kembalikan bila sudah sukses.", "This top-up is still "
                             "waiting for the supplier; check upstream again first, then "
                             "refund once it succeeded."),
    "refund_too_much": ("Jumlah tidak sah: paling banyak {room} yang belum dikembalikan.",
                        "That amount is not possible: at most {room} is not refunded yet."),
    "upstream_silent": ("Supplier tidak menjawab. Coba lagi sebentar lagi.",
                        "The supplier did not answer. Try again in a moment."),
    "resend_failed": ("Supplier menolak kirim ulang: {message}",
                      "The supplier refused to send again: {message}"),
    "complaint_done_text": ("Jawaban untuk komplain #{id} dikirim ke konter.",
                            "The answer to complaint #{id} was sent to the kiosk."),
    "complaint_done_sn": ("Bukti SN untuk komplain #{id} dikirim ke konter.",
                          "SN proof for complaint #{id} was sent to the kiosk."),
    "complaint_done_resend": ("Isi ulang dikirim ulang untuk komplain #{id}.",
                              "The top-up was sent again for complaint #{id}."),
    "complaint_done_refund": ("{amount} dikembalikan ke deposit konter (komplain #{id}).",
                              "{amount} refunded to the kiosk's deposit (complaint #{id})."),
    "complaint_done_closed": ("Komplain #{id} ditutup.", "Complaint #{id} was closed."),
    "complaint_rechecked": ("Supplier menjawab: {said}", "The supplier said: {said}"),
    "by": ("oleh {who}", "by {who}"),
}
