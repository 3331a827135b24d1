/**
 * The mail that asks an address to confirm it wants suggestion emails. Its text is fixed: the
 * only values in it are the service name, the address itself and the confirmation link. Nothing
 * a workspace can type (a meeting title, a workspace or member name) ever appears, so the
 * service cannot be used to carry someone's words to an address that never asked for mail.
 * English and Indonesian; any other locale is English.
 *
 * Pure: the link comes in as an argument.
 */
import { emailLocale, escapeHtml, type ComposedEmail } from './suggestion-email';

/** The name the confirmation mail signs with: fixed, never a workspace's. */
export const SERVICE_NAME = 'unmeet';

export interface ConfirmationEmailInput {
  locale: string | null | undefined;
  /** The address asked to confirm (shown so the reader knows which mailbox this is about). */
  address: string;
  /** The confirmation page: GET shows the choice, only its buttons act. */
  link: string;
}

const COPY = {
  en: {
    subject: `Do you want meeting suggestions from ${SERVICE_NAME}?`,
    lines: (address: string) => [
      'Hello,',
      '',
      `${SERVICE_NAME} suggests ways to replace meetings with written updates, by email. A workspace that includes ${address} would like to send you such suggestions.`,
      '',
      `Nothing is sent to ${address} until you confirm. Open the link to say yes, or to say you do not want these emails:`,
    ],
    after: [
      'If you do nothing, you will not receive suggestion emails. The link works for 7 days.',
      '',
      '-- ',
      `${SERVICE_NAME}`,
    ],
  },
  id: {
    subject: `Apakah Anda ingin menerima saran rapat dari ${SERVICE_NAME}?`,
    lines: (address: string) => [
      'Halo,',
      '',
      `${SERVICE_NAME} memberi saran lewat email untuk mengganti rapat dengan pembaruan tertulis. Sebuah workspace yang mencakup ${address} ingin mengirimkan saran tersebut kepada Anda.`,
      '',
      `Tidak ada yang dikirim ke ${address} sebelum Anda mengonfirmasi. Buka tautan ini untuk menyetujui, atau untuk menolak email ini:`,
    ],
    after: [
      'Jika Anda tidak melakukan apa-apa, Anda tidak akan menerima email saran. Tautan ini berlaku selama 7 hari.',
      '',
      '-- ',
      `${SERVICE_NAME}`,
    ],
  },
} as const;

/**
 * Composes the confirmation mail for `address` in its locale: subject, plain text and HTML
 * with the same fixed content. The address is reduced to a plain address and escaped in HTML.
 */
export function composeConfirmationEmail(input: ConfirmationEmailInput): ComposedEmail {
  const locale = emailLocale(input.locale);
  const copy = COPY[locale];
  const address = input.address.replace(/[^\w.@+-]/g, '');
  const lines = copy.lines(address);
  const text = [...lines, '', `  ${input.link}`, '', ...copy.after, ''].join('\n');
  const e = escapeHtml;
  const html = [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${e(copy.subject)}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;max-width:640px">',
    ...lines.filter((l) => l !== '').map((l) => `<p style="margin:0 0 12px">${e(l)}</p>`),
    `<p style="margin:0 0 12px"><a href="${e(input.link)}">${e(input.link)}</a></p>`,
    `<p style="margin:16px 0 0;color:#59636e;font-size:13px">${e(copy.after[0])}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { locale, subject: copy.subject, text, html };
}
