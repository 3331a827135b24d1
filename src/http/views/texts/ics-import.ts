import { defineTexts } from './define';

/**
 * A connection's import warnings on the Connections page (and a member's own calendars): what the
 * last ICS import left out or repaired. The sentences themselves come from
 * src/domain/ics-warnings.ts, which phrases the stored facts in the viewer's language.
 */
export const icsImportTexts = defineTexts(
  {
    heading: (n: number, count: string, when: string) => `${count} import ${n === 1 ? 'warning' : 'warnings'} (import at ${when})`,
    lead: 'The rest of the calendar was imported. These come from the calendar file itself; its provider or exporter would have to fix them.',
  },
  {
    heading: (_n: number, count: string, when: string) => `${count} peringatan impor (impor pukul ${when})`,
    lead: 'Bagian lain kalender sudah diimpor. Peringatan ini berasal dari berkas kalender itu sendiri; penyedia atau pengekspornya yang perlu memperbaikinya.',
  },
);
