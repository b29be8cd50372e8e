// Who may talk to the UI server: requests naming the address it is bound to (a DNS-rebinding page names its own
// domain in `Host`), from its own origin, and writes only as JSON (a cross-site form cannot send that without CORS).
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { ApiError } from './http-util.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Whether `host` (as given to `--host`) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** A host as it appears in a `Host` header: IPv6 literals in brackets, lower case. */
function hostForm(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare.includes(':') ? `[${bare}]` : bare;
}

/**
 * The `host:port` values a request may name: loopback names always; with a non-loopback `--host`, that host too, and
 * for a wildcard bind (`0.0.0.0`, `::`) every address of this machine's interfaces.
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (!isLoopbackHost(boundHost)) {
    names.add(hostForm(boundHost));
    if (boundHost === '0.0.0.0' || boundHost === '::' || boundHost === '[::]') {
      for (const addresses of Object.values(networkInterfaces())) {
        for (const address of addresses ?? []) names.add(hostForm(address.address));
      }
    }
  }
  return new Set([...names].map((name) => `${name}:${port}`));
}

/**
 * Refuses (403) a request whose `Host` is not one of `hosts`, whose `Origin` is another site, or that a browser marks
 * as cross-site; refuses (415) a write that is not JSON.
 */
export function guardRequest(req: IncomingMessage, hosts: ReadonlySet<string>): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) {
    throw new ApiError(
      403,
      'E_UI_HOST',
      `requests must name this server (${[...hosts][0]}), not ${JSON.stringify(host)}`,
      {
        hint: 'Open the address `qlf ui` printed; other host names are refused against DNS rebinding.',
      },
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      const url = new URL(origin);
      originHost = url.protocol === 'http:' ? url.host.toLowerCase() : undefined;
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || !hosts.has(originHost)) {
      throw new ApiError(403, 'E_UI_ORIGIN', `requests from ${JSON.stringify(origin)} are refused`, {
        hint: 'Only pages served by this `qlf ui` may call its API.',
      });
    }
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    throw new ApiError(403, 'E_UI_ORIGIN', 'cross-site requests are refused');
  }
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new ApiError(
        415,
        'E_UI_CONTENT_TYPE',
        `${method} requests must send application/json, not ${JSON.stringify(type ?? '')}`,
      );
    }
  }
}
