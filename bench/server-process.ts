import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a server in its own node process (`args` after node itself, `env` over this process's
 * environment) and resolves once it prints `listening on http://…`, with the process and that
 * address. Benchmarks measure the server from outside, so its own work is all they see.
 */
export function startServerProcess(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}
