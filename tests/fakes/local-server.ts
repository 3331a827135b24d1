import { createHash, createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What every local vendor fake shares: a real HTTP server on 127.0.0.1 (an ephemeral port),
 * JSON answers, request bodies, and the transport faults of the common fault schedule
 * (a dropped connection, a delay, an error status with an optional Retry-After); and for the
 * vendors that are also OpenID providers, an ID token signer with its JWKS and token faults.
 */
export type TransportFault = { kind: 'drop' } | { kind: 'delay'; ms: number } | { kind: 'hold'; gate: ResponseGate };

/**
 * A response held open: the fake answers the request from the truth as it is when the request
 * arrives, but keeps the answer until the test releases it (a slow vendor, as seen mid-sync).
 * `arrived` settles once the request is in, so a test can act (push, delete) while it waits.
 */
export class ResponseGate {
  readonly arrived: Promise<void>;
  private signalArrived!: () => void;
  private opened = false;
  private waiting: Array<() => void> = [];

  constructor() {
    this.arrived = new Promise((resolve) => (this.signalArrived = resolve));
  }

  /** A fault that holds the next matching response behind this gate. */
  fault(): { kind: 'hold'; gate: ResponseGate } {
    return { kind: 'hold', gate: this };
  }

  release(): void {
    this.opened = true;
    for (const send of this.waiting.splice(0)) send();
  }

  /** @internal The fake's side: the request is in; `send` runs once released. */
  hold(send: () => void): void {
    this.signalArrived();
    if (this.opened) send();
    else this.waiting.push(send);
  }
}

export abstract class LocalHttpFake {
  server!: Server;
  url = '';
  protected contentType = 'application/json; charset=UTF-8';

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  protected send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': this.contentType, ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  protected async body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  }

  /** Applies a transport fault: true when the request is finished (dropped), false to go on. */
  /**
   * Faults at the connection level: `drop` closes it before answering, `dropResponse` lets the
   * request take effect and then closes it instead of answering (a lost reply), `delay` waits,
   * `hold` answers from the truth of the moment but sends the answer only when its gate opens.
   * True when the request is finished with.
   */
  protected async transportFault(fault: { kind: string; ms?: number; gate?: ResponseGate }, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return true;
    }
    if (fault.kind === 'dropResponse') {
      res.end = (() => {
        req.socket.destroy();
        return res;
      }) as never;
    }
    if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault.kind === 'hold') {
      const gate = fault.gate!;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        gate.hold(() => end(...args));
        return res;
      }) as never;
    }
    return false;
  }

  /**
   * A Retry-After header when the fault names one (RFC 9110 §10.2.3): delay-seconds, or an
   * HTTP-date `retryAfterDateSeconds` ahead, rounded up to the whole second an HTTP-date can
   * name, so a client that honours it waits at least that many seconds.
   */
  protected retryAfter(fault: { retryAfterSeconds?: number; retryAfterDateSeconds?: number }): Record<string, string> {
    if (fault.retryAfterDateSeconds !== undefined) {
      const at = Math.ceil((Date.now() + fault.retryAfterDateSeconds * 1000) / 1000) * 1000;
      return { 'retry-after': new Date(at).toUTCString() };
    }
    return fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  }
}

/**
 * Faults for the next ID token a fake issues, one kind for each way a relying party must refuse
 * a token: the claims (audience, issuer, times, nonce) or the signature (a key the JWKS does not
 * publish, a claim changed after signing, HS256 keyed with the client secret, not a JWT at all).
 */
export type IdTokenFault =
  | { kind: 'audience' }
  | { kind: 'issuer' }
  | { kind: 'expired' }
  | { kind: 'notYetValid' }
  | { kind: 'foreignKey' }
  | { kind: 'tampered' }
  | { kind: 'algorithm' }
  | { kind: 'nonce' }
  | { kind: 'noNonce' }
  | { kind: 'malformed' };

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: JsonWebKey;
}

const json64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An OpenID provider's RS256 signing key (plain node:crypto, so the fakes never share code with
 * the client under test) and the JWKS that publishes it. Keys are made on first use: most tests
 * of a fake never sign in, and a 2048-bit key takes a noticeable moment.
 */
export class IdTokenSigner {
  private current?: SigningKey;
  private foreign?: SigningKey;

  constructor(private readonly kidPrefix: string) {}

  private makeKey(): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `${this.kidPrefix}${randomBytes(10).toString('hex')}`;
    return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } as JsonWebKey };
  }

  /** The published key set (only the current key; the foreign key is never published). */
  jwks(extra: Record<string, unknown> = {}): { keys: JsonWebKey[] } {
    this.current ??= this.makeKey();
    return { keys: [{ ...this.current.jwk, ...extra }] };
  }

  /** A compact JWS of `claims` with the header `{alg: RS256, kid, typ: JWT}`, bent by `fault` when given. */
  sign(claims: Record<string, unknown>, fault: IdTokenFault | null, clientSecret: string): string {
    const payload = { ...claims };
    const now = Number(payload.iat);
    if (fault?.kind === 'audience') payload.aud = 'someone-elses-client-id';
    if (fault?.kind === 'issuer') payload.iss = 'https://issuer.invalid';
    if (fault?.kind === 'expired') Object.assign(payload, { iat: now - 7200, exp: now - 3600 });
    if (fault?.kind === 'notYetValid') payload.nbf = now + 3600;
    if (fault?.kind === 'nonce') payload.nonce = 'not-the-nonce-of-this-sign-in';
    if (fault?.kind === 'noNonce') delete payload.nonce;
    if (fault?.kind === 'malformed') return 'this-is-not-a-jwt';
    if (fault?.kind === 'algorithm') {
      const input = `${json64({ alg: 'HS256', typ: 'JWT' })}.${json64(payload)}`;
      return `${input}.${createHmac('sha256', clientSecret).update(input).digest('base64url')}`;
    }
    const key = fault?.kind === 'foreignKey' ? (this.foreign ??= this.makeKey()) : (this.current ??= this.makeKey());
    const input = `${json64({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${json64(payload)}`;
    const signature = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    if (fault?.kind === 'tampered') return `${json64({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${json64({ ...payload, email: 'someone-else@example.com' })}.${signature}`;
    return `${input}.${signature}`;
  }
}

/** The OIDC `at_hash`: the left half of SHA-256 of the access token, base64url. */
export const accessTokenHash = (accessToken: string) => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
