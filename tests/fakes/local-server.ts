import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What every local vendor fake shares: a real HTTP server on 127.0.0.1 (an ephemeral port),
 * JSON answers, request bodies, and the transport faults of the common fault schedule
 * (a dropped connection, a delay, an error status with an optional Retry-After).
 */
export type TransportFault = { kind: 'drop' } | { kind: 'delay'; ms: number };

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
   * request take effect and then closes it instead of answering (a lost reply), `delay` waits.
   * True when the request is finished with.
   */
  protected async transportFault(fault: { kind: string; ms?: number }, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
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
    return false;
  }

  /** A Retry-After header when the fault names one. */
  protected retryAfter(fault: { retryAfterSeconds?: number }): Record<string, string> {
    return fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  }
}
