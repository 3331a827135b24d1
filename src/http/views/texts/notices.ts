import { defineTexts } from './define';

/**
 * What an action cannot do, said before the click (flags: no mail, or an organizer who cannot
 * send; focus: members whose calendar cannot be written), and the page for an unknown address.
 */
export const noticeTexts = defineTexts(
  {
    focusCannotWrite: (names: string) => `Nothing can be written for ${names}: no Google or Outlook calendar (an ICS feed is read-only).`,
    focusMustReconnect: (names: string) => `Nothing can be written for ${names} until they reconnect their calendar: the grant expired.`,
    focusOthers: (n: number) => `${n} more`,
    mailUnavailable: 'Suggestion emails are not configured on this server (it needs UNMEET_SECRET): “Queue it” cannot queue anything.',
    mailUnavailableShort: 'mail is not configured',
    organizerMode: (provider: string) => `This workspace sends each suggestion from its organizer’s own ${provider} account: an organizer without a connected ${provider} calendar gets nothing until they connect one; the message waits in the outbox.`,
    organizerCannotSend: (provider: string) => `held: the organizer has no usable ${provider} connection`,
    queuedForConnection: (to: string, provider: string, when: string) =>
      `Waiting in the outbox: this workspace sends from the organizer’s own ${provider} account, and ${to} has no usable one; it goes out once they connect it (at ${when} at the earliest).`,
    decidedKeep: (title: string, days: number) => `Recorded: “${title}” stays as it is; no suggestion about it for ${days} days.`,
    decidedConverted: (title: string) => `Recorded: “${title}” became a written format; it gets no more suggestions.`,
    focusOn: (name: string) => `Focus protection is on for ${name}. Nothing is written to their calendar until you apply.`,
    focusOff: (name: string, removed: number, failed: number) =>
      `Focus protection is off for ${name}: ${removed} upcoming focus ${removed === 1 ? 'block' : 'blocks'} removed from their calendar${failed > 0 ? `; ${failed} could not be removed and stay there` : ''}.`,
    someone: 'this member',
    seeOutbox: 'See the outbox',
    notFoundLead: 'There is no page at this address. It may have moved, or the link may be incomplete.',
    notFoundHome: 'Go to the dashboard',
  },
  {
    focusCannotWrite: (names: string) => `Tidak ada yang bisa ditulis untuk ${names}: tidak ada kalender Google atau Outlook (feed ICS hanya bisa dibaca).`,
    focusMustReconnect: (names: string) => `Tidak ada yang bisa ditulis untuk ${names} sampai mereka menghubungkan ulang kalendernya: izinnya kedaluwarsa.`,
    focusOthers: (n: number) => `${n} lainnya`,
    mailUnavailable: 'Email saran belum dikonfigurasi di server ini (butuh UNMEET_SECRET): “Masukkan antrean” tidak bisa mengantrekan apa pun.',
    mailUnavailableShort: 'email belum dikonfigurasi',
    organizerMode: (provider: string) => `Ruang kerja ini mengirim setiap saran dari akun ${provider} milik penyelenggaranya: penyelenggara tanpa kalender ${provider} yang terhubung tidak menerima apa pun sampai menghubungkannya; pesannya menunggu di kotak keluar.`,
    organizerCannotSend: (provider: string) => `ditahan: penyelenggara tidak punya koneksi ${provider} yang bisa dipakai`,
    queuedForConnection: (to: string, provider: string, when: string) =>
      `Menunggu di kotak keluar: ruang kerja ini mengirim dari akun ${provider} milik penyelenggara, dan ${to} tidak punya akun yang bisa dipakai; dikirim setelah mereka menghubungkannya (paling cepat ${when}).`,
    decidedKeep: (title: string, days: number) => `Tercatat: “${title}” tetap seperti sekarang; tidak ada saran tentangnya selama ${days} hari.`,
    decidedConverted: (title: string) => `Tercatat: “${title}” sudah diganti dengan format tertulis; tidak ada saran lagi tentangnya.`,
    focusOn: (name: string) => `Perlindungan fokus aktif untuk ${name}. Tidak ada yang ditulis ke kalendernya sampai Anda menerapkannya.`,
    focusOff: (name: string, removed: number, failed: number) =>
      `Perlindungan fokus nonaktif untuk ${name}: ${removed} blok fokus mendatang dihapus dari kalendernya${failed > 0 ? `; ${failed} tidak bisa dihapus dan tetap ada` : ''}.`,
    someone: 'anggota ini',
    seeOutbox: 'Lihat kotak keluar',
    notFoundLead: 'Tidak ada halaman di alamat ini. Mungkin sudah dipindahkan, atau tautannya tidak lengkap.',
    notFoundHome: 'Ke dasbor',
  },
);
