import { defineTexts } from './define';

/**
 * Out-of-office time in the dashboard (My week, the overview's list of every audit metric): the
 * audit's `awayHours`, working time a person was away, which no other figure counts.
 */
export const awayTexts = defineTexts(
  {
    awayHours: 'Away (out of office, on leave)',
    explainAwayHours: 'Working hours you were away. They count neither as working time nor as focus time, so the other figures are about the days you were in.',
    teamAwayHours: 'Away (out of office, on leave)',
    teamAwayNote: 'left out of working and focus time',
  },
  {
    awayHours: 'Tidak di kantor (cuti, di luar kantor)',
    explainAwayHours: 'Jam kerja saat Anda tidak di kantor. Jam ini tidak dihitung sebagai waktu kerja maupun waktu fokus, jadi angka lainnya hanya tentang hari Anda bekerja.',
    teamAwayHours: 'Tidak di kantor (cuti, di luar kantor)',
    teamAwayNote: 'tidak dihitung sebagai waktu kerja dan waktu fokus',
  },
);
