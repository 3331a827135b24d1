/**
 * Flag reasons in words, per language: the suggestion email and the dashboard's flags table
 * both phrase a reason from its code and the numbers behind it (`params`), so an Indonesian
 * reader never meets the rubric's English `detail`.
 */
import type { FlagReason } from './flag-rubric';
import type { EmailLocale } from './suggestion-email';

const n = (p: FlagReason['params'], key: string) => p[key] ?? '';

/**
 * A reason as a plain sentence in the reader's language, without the dampener's factor: English
 * is the rubric's own `detail`; Indonesian is phrased here from the code and its `params`.
 */
export function reasonSentence(r: Pick<FlagReason, 'code' | 'detail' | 'params'>, locale: EmailLocale): string {
  if (locale === 'en') return r.detail.replace(/ \(×[0-9.]+\)$/, '');
  const p = r.params;
  switch (r.code) {
    case 'title.status_wording':
      return `Judulnya ("${n(p, 'word')}") terdengar seperti pembaruan status.`;
    case 'title.broadcast_wording':
      return `Judulnya ("${n(p, 'word')}") menyebut siaran atau presentasi.`;
    case 'description.readout':
      return 'Undangannya menyebut laporan, FYI, atau presentasi.';
    case 'history.similar_converted':
      return `${n(p, 'count')} rapat serupa sudah diganti penyelenggaranya dengan cara asinkron.`;
    case 'recurring.three_plus':
      return `Rapat berulang dengan ${n(p, 'attendees')} orang.`;
    case 'description.no_agenda':
      return p.missing === 'description' ? 'Undangannya tidak punya deskripsi.' : 'Undangannya tidak punya agenda dan tidak menautkan dokumen.';
    case 'audience.large':
      return `${n(p, 'attendees')} orang diundang (8 atau lebih).`;
    case 'audience.very_large':
      return `${n(p, 'attendees')} orang diundang (15 atau lebih).`;
    case 'audience.many_optional':
      return `${n(p, 'optional')} dari ${n(p, 'attendees')} orang bersifat opsional (${n(p, 'percent')} %).`;
    case 'shape.broadcast':
      return p.wording ? 'Judulnya menyebut format siaran (rapat umum, town hall, webinar).' : `Satu penyelenggara dan ${n(p, 'attendees')} orang selama ${n(p, 'minutes')} menit: bentuk sebuah siaran.`;
    case 'zones.outside_hours':
      return `Waktunya di luar jam kerja ${n(p, 'count')} peserta wajib.`;
    case 'zones.wide_spread':
      return `Peserta tersebar di zona waktu dengan selisih ${n(p, 'hours')} jam.`;
    case 'duration.very_short':
      return `Rapat berulang ${n(p, 'minutes')} menit.`;
    case 'duration.long_recurring':
      return `Rapat berulang selama ${n(p, 'minutes')} menit.`;
    case 'history.low_engagement':
      return p.declinedPercent !== undefined ? `${n(p, 'declinedPercent')} % undangan ditolak.` : `${n(p, 'noResponsePercent')} % undangan tidak dijawab.`;
    case 'dampener.one_on_one':
      return 'Percakapan empat mata (1:1).';
    case 'dampener.collaborative':
      return `Judulnya ("${n(p, 'word')}") menunjukkan kolaborasi sungguhan.`;
    case 'dampener.decision':
      return `Judulnya ("${n(p, 'word')}") menyebut keputusan: keputusannya mungkin perlu dibahas langsung, meski ada bahan bacaan.`;
    case 'dampener.questions':
      return `Judulnya ("${n(p, 'word')}") mengundang tanya jawab langsung.`;
    case 'dampener.social':
      return `Judulnya ("${n(p, 'word')}") menyebut acara kebersamaan.`;
    case 'description.decision':
      return 'Undangannya menyebut keputusan atau persetujuan.';
    case 'description.live_work':
      return 'Undangannya menyebut kerja langsung (sesi kerja, pairing, lokakarya).';
    case 'description.questions':
      return 'Undangannya mengundang pertanyaan.';
    case 'history.similar_kept':
      return `${n(p, 'count')} rapat serupa dipertahankan oleh penyelenggaranya.`;
    case 'dampener.external':
      return `${n(p, 'count')} peserta berasal dari luar workspace.`;
    case 'dampener.incident':
      return 'Kata insiden atau mendesak: koordinasi langsung memang diperlukan.';
    case 'score.capped':
      return 'Skor dibatasi maksimal 100.';
    case 'purpose.none':
      return `Tidak ada tanda bahwa rapat ini satu arah: ukuran, durasi, dan pengulangan saja tidak cukup, jadi skornya berhenti di ${n(p, 'ceiling')}.`;
  }
}
