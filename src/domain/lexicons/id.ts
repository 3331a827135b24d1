/**
 * Indonesian purpose lexicon. Verbs and nouns are built with affixes (me-/meN-, di-, ber-, pe-,
 * per-, ke-; -kan, -i, -an, -nya), so most entries are stems: "putus" finds memutuskan,
 * diputuskan, keputusan. meN- swallows the first letter of p-, t-, s-, k- stems, which the
 * prefix rules restore. Words whose stem is too common on its own ("baru" = new) stay whole.
 */
import type { Lexicon, LexiconEntry, PurposeClass } from './types';

const of = (cls: PurposeClass, ...terms: string[]): LexiconEntry[] => terms.map((term) => ({ term, class: cls }));

export const id: Lexicon = {
  language: 'id',
  name: 'Indonesian',
  prefixes: [
    { affix: 'meng', restore: ['k'] },
    { affix: 'meny', restore: ['s'] },
    { affix: 'mem', restore: ['p'] },
    { affix: 'men', restore: ['t'] },
    { affix: 'me' },
    { affix: 'di' },
    { affix: 'ber' },
    { affix: 'ter' },
    { affix: 'peng', restore: ['k'] },
    { affix: 'peny', restore: ['s'] },
    { affix: 'pem', restore: ['p'] },
    { affix: 'pen', restore: ['t'] },
    { affix: 'per' },
    { affix: 'pe' },
    { affix: 'ke' },
  ],
  suffixes: ['kan', 'an', 'i', 'nya'],
  compounds: false,
  entries: [
    ...of('status', 'status', 'sinkron', 'sinkronisasi', 'lapor', 'pembaruan', 'mingguan', 'harian', 'bulanan', 'progres', 'perkembangan',
      'rakor', 'rapat koordinasi', 'koordinasi', 'apel pagi', 'evaluasi', 'monitoring', 'monev', 'info'),
    ...of('readout', 'rekap', 'ringkasan', 'hasil', 'informasi', 'sekadar informasi'),
    ...of('broadcast', 'sosialisasi', 'pengumuman', 'umumkan', 'rapat umum', 'rapat akbar', 'rapat besar', 'presentasi', 'paparan', 'paparkan'),
    ...of('decision', 'putus', 'setuju', 'tetapkan', 'penetapan', 'sepakat'),
    ...of('live', 'diskusi', 'bahas', 'curah pendapat', 'lokakarya', 'retrospeksi', 'retrospektif', 'rencana', 'sesi kerja', 'latih',
      'bimbing', 'dewan', 'komite', 'kerja bareng'),
    ...of('questions', 'tanya jawab', 'konsultasi', 'pertanyaan'),
    ...of('social', 'makan siang', 'ngopi', 'halal bihalal', 'halalbihalal', 'buka bersama', 'bukber', 'arisan', 'syukuran', 'perpisahan',
      'perayaan', 'rayakan', 'ulang tahun', 'gathering'),
    ...of('incident', 'darurat', 'desak', 'gangguan', 'segera'),
  ],
};
