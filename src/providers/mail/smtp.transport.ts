/**
 * SMTP through nodemailer (Node only; Workers run outbox-only). The stored message is sent
 * as is (`raw`), so the Message-ID recorded before the attempt is the one that arrives.
 * Failures are classified for at-most-once delivery: a 4xx/5xx reply or a refused connection
 * means the message certainly did not leave; a timeout or a dropped connection after the data
 * went out may have delivered it, so it is reported as uncertain and never retried.
 */
import nodemailer from 'nodemailer';
import { MailTransportError, type MailTransport } from './mail-transport';

/** Error codes nodemailer raises before any message data is handed over. */
const BEFORE_DATA = new Set(['ECONNECTION', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'EENVELOPE', 'ECONNREFUSED', 'EPROTOCOL']);

export function createSmtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url, {
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  } as never);
  return {
    name: 'smtp',
    async send(mail) {
      try {
        await transporter.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: mail.raw });
      } catch (error) {
        const e = error as { code?: string; responseCode?: number; message?: string };
        const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
        const reason = `${e.code ?? 'error'}${reply ? ` ${reply}` : ''}: ${String(e.message ?? error).slice(0, 200)}`;
        if (reply !== undefined && reply >= 400 && reply < 500) throw new MailTransportError(reason, true, true);
        if (reply !== undefined && reply >= 500) throw new MailTransportError(reason, true, false);
        if (e.code && BEFORE_DATA.has(e.code)) throw new MailTransportError(reason, true, e.code !== 'EAUTH' && e.code !== 'EENVELOPE');
        throw new MailTransportError(reason, false, false);
      }
    },
  };
}
