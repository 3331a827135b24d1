/**
 * The explanation of a rotation plan, in English and Indonesian, built only from facts measured
 * on the plan itself (so it never claims a rotation, a sharing or a relief that did not
 * happen): the slots used, who carries what and how many nights each takes, how hard-limit
 * breaks fell, and, when one zone still carries most of the load, why, with the best
 * alternative and its cost.
 */

export interface SlotFact {
  slot: string;
  count: number;
  /** Zones outside hours at this slot, with their local start. */
  hurt: Array<{ zone: string; local: string }>;
}

export interface EntryFact {
  /** A person, or the first of identical people and how many. */
  label: string;
  burden: number;
  history: number;
  seriesPain: number;
  nights: number;
  breaks: number;
}

export interface AlternativeFact {
  occurrence: number;
  date: string;
  slot: string;
  /** The relieved entry's burden before and after. */
  relieved: { label: string; from: number; to: number };
  /** The entry that would pay most for it. */
  payer: { label: string; from: number; to: number };
}

export interface ExplanationFacts {
  timeZone: string;
  occurrences: number;
  zoneCount: number;
  headcountMerged: boolean;
  slots: SlotFact[];
  entries: EntryFact[];
  maxOverMean: number;
  gini: number;
  fallbackOccurrences: number;
  /** The zone carrying more than half of this series' pain, if any. */
  heavyZone?: { zone: string; share: number; alternative: AlternativeFact | null } | undefined;
}

export interface Explanations {
  en: string;
  id: string;
}

type Lang = 'en' | 'id';
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

function slotText(lang: Lang, tz: string, s: SlotFact): string {
  const who = s.hurt.map((h) => `${h.zone} ${lang === 'en' ? 'at' : 'pukul'} ${h.local}`).join(', ');
  if (lang === 'en') return `${s.slot} ${tz} ×${s.count} (${who ? `outside hours for ${who}` : "inside everyone's hours"})`;
  return `${s.slot} ${tz} ×${s.count} (${who ? `di luar jam kerja untuk ${who}` : 'di dalam jam kerja semua orang'})`;
}

function entryText(lang: Lang, e: EntryFact): string {
  const parts = e.history > 0 ? (lang === 'en' ? ` (${e.history} carried + ${e.seriesPain})` : ` (${e.history} bawaan + ${e.seriesPain})`) : '';
  const nights = lang === 'en' ? `${e.nights} ${plural(e.nights, 'night', 'nights')}` : `${e.nights} malam`;
  return `${e.label} ${e.burden}${parts}, ${nights}`;
}

function render(lang: Lang, f: ExplanationFacts): string {
  const en = lang === 'en';
  const out: string[] = [];
  const painful = f.entries.some((e) => e.seriesPain > 0);
  if (!painful) {
    const slot = f.slots[0]?.slot ?? '';
    out.push(
      en
        ? `Every occurrence is at ${slot} ${f.timeZone}: inside everyone's working hours in all ${f.zoneCount} time ${plural(f.zoneCount, 'zone', 'zones')}, so nobody pays and nobody needs to rotate.`
        : `Setiap pertemuan pukul ${slot} ${f.timeZone}: di dalam jam kerja semua orang di ${f.zoneCount} zona waktu, jadi tidak ada yang terbebani dan tidak perlu bergiliran.`,
    );
  } else if (f.slots.length === 1) {
    const s = slotText(lang, f.timeZone, f.slots[0] as SlotFact);
    out.push(en ? `One slot is the fairest choice for all ${f.occurrences} occurrences: ${s}.` : `Satu slot paling adil untuk ke-${f.occurrences} pertemuan: ${s}.`);
  } else {
    const list = f.slots.map((s) => slotText(lang, f.timeZone, s)).join('; ');
    out.push(
      en
        ? `No single start keeps everyone inside working hours, so the series moves among ${f.slots.length} slots in blocks: ${list}.`
        : `Tidak ada satu jam mulai yang menjaga semua orang di dalam jam kerja, jadi rangkaian ini berpindah di antara ${f.slots.length} slot secara berblok: ${list}.`,
    );
  }
  if (painful) {
    const shown = f.entries.slice(0, 8).map((e) => entryText(lang, e));
    const more = f.entries.length - shown.length;
    const tail = more > 0 ? (en ? `, and ${more} more` : `, dan ${more} lainnya`) : '';
    out.push(
      en
        ? `Who carries what (burden in points, history included; nights in this series): ${shown.join('; ')}${tail}. Max/mean ${f.maxOverMean}, Gini ${f.gini}.`
        : `Siapa menanggung apa (beban dalam poin, termasuk bawaan; malam dalam rangkaian ini): ${shown.join('; ')}${tail}. Maks/rata-rata ${f.maxOverMean}, Gini ${f.gini}.`,
    );
  }
  if (f.fallbackOccurrences > 0) {
    const n = f.fallbackOccurrences;
    const takers = f.entries.filter((e) => e.breaks > 0);
    const head = en
      ? `${n} ${plural(n, 'occurrence has', 'occurrences have')} no start inside everyone's hard limits (local 23:00–08:00, non-working days, busy time); each break counts as heavy burden for whoever takes it`
      : `${n} pertemuan tidak punya jam mulai di dalam batas keras semua orang (23.00–08.00 waktu setempat, hari libur, waktu sibuk); setiap pelanggaran dihitung sebagai beban berat bagi yang menanggungnya`;
    const list = takers.map((e) => `${e.label} ${e.breaks}×`).join(', ');
    if (takers.length > 1) out.push(en ? `${head}, and the breaks are shared: ${list}.` : `${head}, dan pelanggaran itu dibagi: ${list}.`);
    else if (takers.length === 1) {
      out.push(
        en
          ? `${head}; all of them fall on ${(takers[0] as EntryFact).label}, since every other split found leaves someone with a heavier burden.`
          : `${head}; semuanya jatuh pada ${(takers[0] as EntryFact).label}, karena setiap pembagian lain yang ditemukan membuat beban seseorang lebih berat.`,
      );
    }
  }
  if (f.heavyZone) {
    const { zone, share, alternative: alt } = f.heavyZone;
    out.push(en ? `${zone} carries ${share}% of this series' pain.` : `${zone} menanggung ${share}% dari beban rangkaian ini.`);
    if (alt) {
      out.push(
        en
          ? `Why: moving any occurrence away from ${zone} leaves someone worse off. The best alternative, occurrence ${alt.occurrence} (${alt.date}) at ${alt.slot} ${f.timeZone}, would lower ${alt.relieved.label}'s burden from ${alt.relieved.from} to ${alt.relieved.to} but raise ${alt.payer.label}'s from ${alt.payer.from} to ${alt.payer.to}.`
          : `Alasannya: memindahkan pertemuan mana pun dari ${zone} membuat orang lain lebih berat. Alternatif terbaik, pertemuan ke-${alt.occurrence} (${alt.date}) pukul ${alt.slot} ${f.timeZone}, akan menurunkan beban ${alt.relieved.label} dari ${alt.relieved.from} menjadi ${alt.relieved.to} tetapi menaikkan beban ${alt.payer.label} dari ${alt.payer.from} menjadi ${alt.payer.to}.`,
      );
    } else {
      out.push(
        en
          ? `Why: on every date, no other start lowers ${zone}'s load.`
          : `Alasannya: pada setiap tanggal, tidak ada jam mulai lain yang mengurangi beban ${zone}.`,
      );
    }
  }
  if (f.headcountMerged) {
    out.push(
      en
        ? "Identical participants (same zone, hours, opt-ins and history) count as one, so a zone's headcount never decides who suffers."
        : 'Peserta yang identik (zona, jam kerja, opt-in dan riwayat yang sama) dihitung sebagai satu, jadi jumlah orang di satu zona tidak pernah menentukan siapa yang menanggung beban.',
    );
  }
  return out.join(' ');
}

/** The explanation in English and Indonesian from the plan's facts. */
export function explainRotation(facts: ExplanationFacts): Explanations {
  return { en: render('en', facts), id: render('id', facts) };
}
