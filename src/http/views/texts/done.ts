import type { Locale } from '../i18n';
import { defineTexts } from './define';

/**
 * What a dashboard form did, shown once on the page the POST redirects to (`?ok=<code>`): the
 * actual effect, never a bare "Done". Outcomes with details of their own (queued mail, focus
 * written, invitations sent, a key created) travel as a flash instead; see the pages' routes.
 */
const texts = defineTexts(
  {
    connected: 'Calendar connected and its events imported. Its sync status, and anything the import had to skip, are shown with it below.',
    disconnected: 'Calendar disconnected: unmeet no longer reads it, and its events no longer count in any report.',
    keyRevoked: 'API key revoked: every request with it is refused from now on.',
    invitationRevoked: 'Invitation revoked: its link no longer works.',
    shared: 'Your sharing choice is saved. The card below says what managers and admins now see of your numbers.',
    approved: 'Address approved: that person can now accept the invitation with it.',
    role: 'Role changed. The list below shows each person’s role now; the change applies to their next request.',
    committed:
      'Rotation committed: each person’s share of the inconvenient times is now in the burden ledger, so the next rotation evens it out. No calendar events were written: download the .ics, or write them through the API.',
  },
  {
    connected: 'Kalender terhubung dan acaranya sudah diimpor. Status sinkronisasinya, dan apa pun yang harus dilewati saat impor, ditampilkan di bawah.',
    disconnected: 'Kalender diputus: unmeet tidak lagi membacanya, dan acaranya tidak lagi dihitung di laporan mana pun.',
    keyRevoked: 'Kunci API dicabut: setiap permintaan dengan kunci itu ditolak mulai sekarang.',
    invitationRevoked: 'Undangan dicabut: tautannya tidak berlaku lagi.',
    shared: 'Pilihan berbagi Anda tersimpan. Kartu di bawah menjelaskan apa yang kini dilihat manajer dan admin dari angka Anda.',
    approved: 'Alamat disetujui: orang itu kini dapat menerima undangan dengan alamat tersebut.',
    role: 'Peran diubah. Daftar di bawah menunjukkan peran tiap orang sekarang; perubahan berlaku pada permintaan mereka berikutnya.',
    committed:
      'Rotasi disahkan: bagian tiap orang dari jam-jam yang merepotkan kini tercatat di buku beban, sehingga rotasi berikutnya menyeimbangkannya. Tidak ada acara kalender yang ditulis: unduh .ics, atau tulis lewat API.',
  },
);

/** The sentence for `?ok=<code>` on the page at `path`; undefined for a code this page does not answer. */
export function doneText(locale: Locale, code: string, path: string): string | undefined {
  const t = texts(locale);
  switch (code) {
    case 'connected':
      return t.connected;
    case 'disconnected':
      return t.disconnected;
    case 'revoked':
      return path.startsWith('/people') ? t.invitationRevoked : t.keyRevoked;
    case 'shared':
      return t.shared;
    case 'approved':
      return t.approved;
    case 'role':
      return t.role;
    case 'committed':
      return t.committed;
    default:
      return undefined;
  }
}
