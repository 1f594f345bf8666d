import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

/** A certificate made for one test run, for 127.0.0.1 and localhost. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  /** The certificate in a file, for `NODE_EXTRA_CA_CERTS` of a process that must trust it. */
  readonly caFile: string;
  /** Deletes the file. */
  remove(): void;
}

/**
 * Makes a fresh self-signed certificate (valid one day) so a fake provider can serve `wss://` the
 * way the real one does; the official SDKs accept nothing else.
 */
export async function makeTestCertificate(): Promise<TestCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 24 * 3_600_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'callwire-tls-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pems.cert);
  return { cert: pems.cert, key: pems.private, caFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
