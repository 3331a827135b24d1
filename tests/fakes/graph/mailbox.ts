/**
 * The Outlook mailbox behind a Graph connection, as the mail API shows it (api/user-sendmail,
 * api/user-list-messages, concepts/outlook-send-mail-from-other-user,
 * concepts/outlook-things-to-know-about-send-mail):
 *  - `POST /me/sendMail` as JSON `{message, saveToSentItems}` or MIME (`text/plain`, base64) →
 *    `202`, needs Mail.Send. The message is created in Drafts, then transport takes it and it
 *    moves to Sent Items (unless saveToSentItems is false) after `deliveryDelayMs`.
 *  - From: when the message names no From, Exchange sends it as the mailbox owner (`address`).
 *    A From of any other address needs Send As (or Send on Behalf) rights on it (`sendAs`);
 *    without them Exchange refuses: `sendAsRefusal: 'reject'` answers `403 ErrorSendAsDenied`
 *    as the documented example does, `'ndr'` accepts the request (202), never moves it out of
 *    Drafts and puts a non-delivery report in the Inbox, as a failed submission does.
 *  - A recipient in `undeliverable` gets no copy: the message is sent (Sent Items at once), and
 *    an NDR comes back `reportDelayMs` later, as Exchange's routing gives up minutes after.
 *  - Time is the mailbox's `now` (a test clock, or the wall clock): what transport does at an
 *    instant shows on the first request at or after it, never from a timer, so a test decides
 *    what a look sees. `beforeList` runs as a lookup arrives (before time is applied), for a
 *    test to move its clock between two looks.
 *  - A message to the mailbox's own address is delivered to its own Inbox.
 *  - NDRs come from the tenant's system sender with the subject "Undeliverable: …", in the
 *    conversation of the message they report on (⚠ the threading is Outlook's observed
 *    behaviour, not a documented contract).
 *  - `GET /me/messages` and `GET /me/mailFolders/{SentItems|Inbox|Drafts}/messages` with
 *    `$filter=internetMessageId eq '…'` or `conversationId eq '…'` and `$select`; they need a
 *    read scope (Mail.ReadBasic, Mail.Read, Mail.ReadWrite), else 403 ErrorAccessDenied.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface FakeMailItem {
  id: string;
  internetMessageId: string;
  conversationId: string;
  subject: string;
  from: { emailAddress: { name?: string; address: string } };
  to: string[];
  receivedDateTime: string;
  /** The MIME as sent (MIME sends only). */
  mime?: string;
}

type Folder = 'drafts' | 'sentitems' | 'inbox';
export type MailAnswer = { status: number; body?: unknown };

const SYSTEM_SENDER = { name: 'Microsoft Outlook', address: 'MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com' };
const READ_SCOPES = ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'];

const graphError = (status: number, code: string, message: string): MailAnswer => ({
  status,
  body: { error: { code, message, innerError: { 'request-id': randomUUID(), date: new Date().toISOString() } } },
});

/** The address in a From header or a Graph recipient, lower-cased. */
const addressOf = (text: string | undefined) => /<([^>]+)>/.exec(text ?? '')?.[1]?.trim().toLowerCase() ?? text?.trim().toLowerCase() ?? '';

export class FakeMailbox {
  /** The mailbox owner's address (the signed-in account). */
  address = 'alice@example.com';
  /** Addresses this mailbox may send as (Send As / Send on Behalf granted by an admin). */
  readonly sendAs = new Set<string>();
  sendAsRefusal: 'reject' | 'ndr' = 'reject';
  /** Recipients whose server refuses the message. */
  readonly undeliverable = new Set<string>();
  /** How long transport takes before the message leaves Drafts (and a refused one bounces). */
  deliveryDelayMs = 0;
  /** How long after transport an undeliverable recipient's NDR lands in the Inbox. */
  reportDelayMs = 0;
  /** The mailbox's clock. */
  now: () => number = Date.now;
  /** Called with the folder (null: every folder) as each lookup arrives. */
  beforeList?: (folder: string | null) => void;
  /** What transport does later, in order of `at`. */
  private readonly pending: Array<{ at: number; run: () => void }> = [];
  readonly folders: Record<Folder, FakeMailItem[]> = { drafts: [], sentitems: [], inbox: [] };

  get sentItems(): FakeMailItem[] {
    return this.folders.sentitems;
  }

  /** `POST /me/sendMail`; `scopes` are the access token's. */
  send(contentType: string, body: string, scopes: Set<string>): MailAnswer {
    this.catchUp();
    if (!scopes.has('Mail.Send')) return graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    const parsed = contentType.startsWith('text/plain') ? this.parseMime(body) : this.parseJson(body);
    if ('status' in parsed) return parsed;
    const { item, from, save } = parsed;
    const owner = this.address.toLowerCase();
    const allowed = from === undefined || from === owner || this.sendAs.has(from);
    if (!allowed && this.sendAsRefusal === 'reject') {
      return graphError(403, 'ErrorSendAsDenied', 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account. Cannot submit message.');
    }
    // Exchange sets From to the mailbox owner when the message names none.
    item.from = { emailAddress: { address: from ?? this.address } };
    this.folders.drafts.push(item);
    this.later(this.deliveryDelayMs, () => this.transport(item, allowed, save));
    return { status: 202 };
  }

  /** `GET` of a message collection: `folder` null for `/me/messages` (every folder). */
  list(folder: string | null, params: URLSearchParams, scopes: Set<string>, context: string): MailAnswer {
    this.beforeList?.(folder);
    this.catchUp();
    if (!READ_SCOPES.some((s) => scopes.has(s))) return graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    const key = folder?.toLowerCase();
    if (key !== undefined && !(key in this.folders)) return graphError(404, 'ErrorInvalidIdMalformed', 'Id is malformed.');
    let items = key ? this.folders[key as Folder] : [...this.folders.drafts, ...this.folders.sentitems, ...this.folders.inbox];
    const filter = params.get('$filter');
    if (filter !== null) {
      const m = /^(internetMessageId|conversationId) eq '((?:[^']|'')*)'$/.exec(filter.trim());
      if (!m) return graphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
      const wanted = m[2]!.replaceAll("''", "'");
      items = items.filter((i) => i[m[1] as 'internetMessageId' | 'conversationId'] === wanted);
    }
    const select = params.get('$select')?.split(',');
    const value = items.map((i) => {
      const { mime: _mime, to, ...rest } = i;
      const full: Record<string, unknown> = { ...rest, toRecipients: to.map((address) => ({ emailAddress: { address } })) };
      return select ? Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || select.includes(k))) : full;
    });
    return { status: 200, body: { '@odata.context': context, value } };
  }

  /** Runs `run` `delayMs` from now: at once when that is now, else on the first request at or after it. */
  private later(delayMs: number, run: () => void) {
    this.pending.push({ at: this.now() + delayMs, run });
    this.catchUp();
  }

  /** Applies what transport has done by now, oldest first (a step may queue another). */
  private catchUp() {
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at);
      if (!this.pending[0] || this.pending[0].at > this.now()) return;
      this.pending.shift()!.run();
    }
  }

  /** What transport does with a submitted message: refuse it (NDR), or send it and deliver what it can. */
  private transport(item: FakeMailItem, allowed: boolean, save: boolean) {
    if (!allowed) return this.bounce(item, `You can't send a message on behalf of this user unless you have permission to do so.`);
    this.folders.drafts.splice(this.folders.drafts.indexOf(item), 1);
    if (save) this.folders.sentitems.push(item);
    if (item.to.includes(this.address.toLowerCase())) this.folders.inbox.push({ ...item, id: `AAMk${randomBytes(12).toString('hex')}`, receivedDateTime: new Date(this.now()).toISOString() });
    if (item.to.some((to) => this.undeliverable.has(to))) this.later(this.reportDelayMs, () => this.bounce(item, 'The email address could not be found.'));
  }

  private bounce(item: FakeMailItem, _why: string) {
    this.folders.inbox.push({
      id: `AAMk${randomBytes(12).toString('hex')}`,
      internetMessageId: `<${randomUUID()}@contoso.prod.outlook.com>`,
      conversationId: item.conversationId,
      subject: `Undeliverable: ${item.subject}`,
      from: { emailAddress: SYSTEM_SENDER },
      to: [this.address.toLowerCase()],
      receivedDateTime: new Date(this.now()).toISOString(),
    });
  }

  private newItem(fields: Pick<FakeMailItem, 'internetMessageId' | 'subject' | 'to'> & { mime?: string }): FakeMailItem {
    return {
      id: `AAMk${randomBytes(12).toString('hex')}`,
      conversationId: `AAQk${randomBytes(12).toString('hex')}`,
      from: { emailAddress: { address: '' } },
      receivedDateTime: new Date(this.now()).toISOString(),
      ...fields,
    };
  }

  private parseMime(body: string): MailAnswer | { item: FakeMailItem; from: string | undefined; save: boolean } {
    const text = body.trim();
    if (!/^[A-Za-z0-9+/]+=*$/.test(text)) return graphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
    const mime = Buffer.from(text, 'base64').toString();
    const headerEnd = mime.search(/\r?\n\r?\n/);
    const headers = (headerEnd < 0 ? mime : mime.slice(0, headerEnd)).replace(/\r?\n[ \t]+/g, ' ');
    const to = /^to:\s*(.+)$/im.exec(headers)?.[1];
    if (!to) return graphError(400, 'ErrorMimeContentInvalid', 'The MIME content is invalid: no recipients.');
    const from = /^from:\s*(.+)$/im.exec(headers)?.[1];
    const item = this.newItem({
      internetMessageId: /^message-id:\s*(<[^>]+>)/im.exec(headers)?.[1] ?? `<${randomUUID()}@fake.prod.outlook.com>`,
      subject: /^subject:\s*(.*)$/im.exec(headers)?.[1] ?? '',
      to: [...to.matchAll(/[^\s<>,"]+@[^\s<>,"]+/g)].map((m) => m[0].toLowerCase()),
      mime,
    });
    return { item, from: from === undefined ? undefined : addressOf(from), save: true };
  }

  private parseJson(body: string): MailAnswer | { item: FakeMailItem; from: string | undefined; save: boolean } {
    let parsed: {
      message?: { subject?: string; internetMessageId?: string; toRecipients?: Array<{ emailAddress?: { address?: string } }>; from?: { emailAddress?: { address?: string } } };
      saveToSentItems?: boolean;
    };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return graphError(400, 'BadRequest', 'Unable to read JSON request payload.');
    }
    const to = (parsed.message?.toRecipients ?? []).map((r) => r.emailAddress?.address?.toLowerCase()).filter((a): a is string => Boolean(a));
    if (!parsed.message || to.length === 0) return graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    const item = this.newItem({
      internetMessageId: parsed.message.internetMessageId ?? `<${randomUUID()}@fake.prod.outlook.com>`,
      subject: parsed.message.subject ?? '',
      to,
    });
    const from = parsed.message.from?.emailAddress?.address;
    return { item, from: from === undefined ? undefined : from.toLowerCase(), save: parsed.saveToSentItems !== false };
  }
}
