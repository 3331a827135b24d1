import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import { createTokenVault } from '../../src/providers/token-vault';
import type { Deps } from '../../src/services/deps';

/** A real SMTP peer on 127.0.0.1 that keeps what it receives; `reject` forces a reply code for RCPT TO. */
export interface TestSmtp {
  url: string;
  received: Array<{ raw: string; rcpt: string[] }>;
  reject: number | null;
  close: () => Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const state: TestSmtp = { url: '', received: [], reject: null, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.reject === null) return callback();
      callback(Object.assign(new Error(state.reject >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: state.reject }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.received.push({ raw: Buffer.concat(chunks).toString('utf8'), rcpt: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((done) => server.close(() => done()));
  return state;
}

/** Mail settings that send through `smtp` as unmeet@unmeet.test, links signed under the test apps' secret. */
export async function smtpMail(smtp: Pick<TestSmtp, 'url'>): Promise<NonNullable<Deps['mail']>> {
  return {
    transport: createSmtpTransport(smtp.url),
    from: { email: 'unmeet@unmeet.test', name: 'unmeet' },
    links: createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!')),
  };
}
