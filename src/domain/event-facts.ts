/**
 * Facts about an event's free text (description, location, conferencing fields). The service
 * keeps only these facts, never the text itself: whether a description is present, how long it
 * is, whether it carries an agenda or links to a document, what purpose it states (a decision,
 * live work, a readout, questions) and whether the event has a video call link. Pure; shared by
 * the ICS, Google and Outlook mappers.
 */
import { findPurposes } from './lexicons';
import type { DescriptionFacts } from './types';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Block-level tags whose boundaries become line breaks when HTML is flattened to text. */
const BLOCK_TAG = /<\s*(?:br|\/?p|\/?div|\/?li|\/?ul|\/?ol|\/?h[1-6]|\/?tr|\/?table|\/?blockquote|\/?pre)\b[^>]*>/gi;

/**
 * Reduce a description that may be HTML (Google and Outlook both emit HTML) to plain text:
 * block tags become line breaks, list items become "- " bullets, other tags disappear and
 * common character entities are decoded. Links keep their href so that doc links in `<a>`
 * tags are still recognised, but the href is not counted in the length.
 */
function toPlainText(text: string): { plain: string; hrefs: string[] } {
  if (!/<[a-zA-Z/!][^>]*>/.test(text)) return { plain: decodeEntities(text), hrefs: [] };
  const hrefs: string[] = [];
  for (const m of text.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    hrefs.push(decodeEntities(m[1] ?? m[2] ?? m[3] ?? ''));
  }
  const plain = text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\s*(script|style)\b[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi, '')
    .replace(/<\s*li\b[^>]*>/gi, '\n- ')
    .replace(BLOCK_TAG, '\n')
    .replace(/<[^>]*>/g, '');
  return { plain: decodeEntities(plain), hrefs };
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** A line that is a heading "Agenda", "Agenda:", "AGENDA RAPAT", "Meeting agenda:", "## Agenda". */
const AGENDA_HEADING = /^\s*(?:[#*_]+\s*)?(?:(?:meeting|proposed|draft)\s+)?agenda(?:\s+rapat)?\s*(?:[:\-–—]|$)/im;
/** "Agenda:" inline, e.g. "Agenda: 1) budget 2) hiring". */
const AGENDA_INLINE = /\bagenda(?:\s+rapat)?\s*:/i;
/** A list item: "1.", "1)", "a)", "-", "*", "•", "–" at the start of a line, followed by text. */
const LIST_ITEM = /^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-*•◦▪–])\s+\S/i;

function hasAgendaText(plain: string): boolean {
  if (AGENDA_HEADING.test(plain) || AGENDA_INLINE.test(plain)) return true;
  let items = 0;
  for (const line of plain.split(/\r?\n/)) {
    if (LIST_ITEM.test(line)) {
      items += 1;
      if (items >= 2) return true;
    }
  }
  return false;
}

/** Start of a URL: an optional scheme, and no host characters glued on before the host. */
const URL_START = String.raw`(?<![a-z0-9.@-])(?:https?://)?`;
/** End of a host name: a path, port, query or end of text follows. */
const HOST_END = String.raw`(?=[/:?#]|$|[\s"'<>)\]])`;

/** Links to documents: Google Docs/Drive, SharePoint/OneDrive, Notion, Confluence, Dropbox Paper, Quip, Coda. */
const DOC_LINK = new RegExp(
  URL_START +
    '(?:' +
    [
      String.raw`docs\.google\.com/`,
      String.raw`drive\.google\.com/`,
      String.raw`(?:[a-z0-9-]+\.)+sharepoint\.com` + HOST_END,
      String.raw`onedrive\.live\.com` + HOST_END,
      String.raw`1drv\.ms/`,
      String.raw`(?:www\.)?notion\.so/`,
      String.raw`[a-z0-9-]+\.notion\.site` + HOST_END,
      String.raw`[a-z0-9-]+\.atlassian\.net/wiki\b`,
      String.raw`(?:[a-z0-9-]+\.)*[a-z0-9-]*confluence[a-z0-9-]*(?:\.[a-z0-9-]+)+(?::\d+)?/`,
      String.raw`(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/confluence\b`,
      String.raw`(?:www\.)?dropbox\.com/paper\b`,
      String.raw`paper\.dropbox\.com` + HOST_END,
      String.raw`(?:[a-z0-9-]+\.)?quip\.com/`,
      String.raw`(?:www\.)?coda\.io/`,
    ].join('|') +
    ')',
  'i',
);

/** Cheap substring tests that must pass before the (slower) link patterns run. */
const DOC_HINT = /docs\.google|drive\.google|sharepoint|onedrive|1drv\.ms|notion\.|atlassian|confluence|dropbox|quip\.com|coda\.io/i;
const CONFERENCING_HINT = /meet\.google|zoom|teams\.|webex|whereby|chime\.aws/i;

const hasDocLinkIn = (text: string): boolean => DOC_HINT.test(text) && DOC_LINK.test(text);

/** Join links of video-conferencing services. */
const CONFERENCING_LINK = new RegExp(
  URL_START +
    '(?:' +
    [
      String.raw`meet\.google\.com/[a-z]`,
      String.raw`(?:[a-z0-9-]+\.)*zoom\.us/(?:j|my|w|s|wc)/`,
      String.raw`(?:[a-z0-9-]+\.)*zoomgov\.com/(?:j|my|w|s|wc)/`,
      String.raw`teams\.microsoft\.com/(?:l/meetup-join|meet)/`,
      String.raw`teams\.live\.com/meet/`,
      String.raw`(?:[a-z0-9-]+\.)*webex\.com/\S`,
      String.raw`(?:[a-z0-9-]+\.)?whereby\.com/[a-z0-9]`,
      String.raw`chime\.aws/\d`,
    ].join('|') +
    ')',
  'i',
);

const NO_PURPOSE = { mentionsDecision: false, mentionsLiveWork: false, mentionsReadout: false, invitesQuestions: false } as const;

/**
 * Reduce a description (plain text or HTML) to the facts the service keeps: `present` (any
 * non-blank text), `length` (characters of plain text after stripping HTML tags, collapsing runs
 * of blanks and trimming),
 * `hasAgenda` (an "Agenda"/"Agenda:"/"Agenda rapat" heading, or a numbered/bulleted list of at
 * least two items), `hasDocLink` (a link to Google Docs/Drive, SharePoint/OneDrive, Notion,
 * Confluence, Dropbox Paper, Quip or Coda) and the stated purpose (`purposeFacts`). The text
 * itself is not returned.
 */
export function describeText(text: string | null | undefined): DescriptionFacts {
  if (text == null) return { present: false, length: 0, hasAgenda: false, hasDocLink: false, ...NO_PURPOSE };
  const { plain: raw, hrefs } = toPlainText(text);
  const plain = raw.replace(/[ \t\u00a0]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
  const length = [...plain].length;
  return {
    present: length > 0,
    length,
    hasAgenda: hasAgendaText(plain),
    hasDocLink: hasDocLinkIn(plain) || hrefs.some(hasDocLinkIn),
    ...purposeFacts(plain),
  };
}

/**
 * The purpose a description states, as four yes/no facts, with the same lexicons that read
 * titles. Links are cut first: a URL's words ("…/decision-log") are no statement of purpose.
 * Status words ("updates") are not counted here: stand-up invitations say "share your updates"
 * and the title already carries that wording; only readout/FYI/presentation words are.
 */
export function purposeFacts(plain: string): Pick<Required<DescriptionFacts>, keyof typeof NO_PURPOSE> {
  const classes = new Set(findPurposes(plain.replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ')).map((h) => h.class));
  return {
    mentionsDecision: classes.has('decision'),
    mentionsLiveWork: classes.has('live'),
    mentionsReadout: classes.has('readout') || classes.has('broadcast'),
    invitesQuestions: classes.has('questions'),
  };
}

/**
 * Whether the text contains a video-conferencing join link: Google Meet, Zoom, Microsoft Teams
 * (work and personal), Webex, Whereby or Amazon Chime. Used on descriptions, locations and the
 * vendors' conferencing fields.
 */
export function hasConferencingLink(text: string | null | undefined): boolean {
  if (!text) return false;
  return CONFERENCING_HINT.test(text) && CONFERENCING_LINK.test(text);
}
