/**
 * A throw-away PKI for the demo, built in-process with @peculiar/x509 over Node's WebCrypto (ECDSA P-256,
 * SHA-256), so `mtls-doctor demo` needs neither openssl nor a JDK.
 *
 * Names are given here in encoding order (C first, CN last), so Java and keytool print them most-specific first,
 * as the playbook shows them. Layout (as Java prints the names):
 *   "CN=Demo Root CA, O=Demo Corp"  →  "CN=Demo Test SHA2 CA G2, DC=testcore, DC=example, DC=com"
 *       → client "CN=gateway.example.com, OU=ITS, O=Demo Corp, L=MELBOURNE, ST=VIC, C=AU"     (good)
 *       → client ... expired, ... serverAuth-only EKU
 *   "CN=Other Root CA, O=Elsewhere Inc"  →  client issued by an unrelated CA (CA mismatch)
 *   "CN=Demo Server CA"  →  server "CN=localhost" (DNS:localhost, IP:127.0.0.1)
 */
import { webcrypto, KeyObject, X509Certificate as NodeX509 } from "node:crypto";
import { x509 } from "../pki/x509lib.js";

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

/** One issued certificate with its key. `der` is the certificate; `key` is a Node KeyObject (never printed). */
export interface IssuedCert {
  name: string;
  der: Uint8Array;
  pem: string;
  key: KeyObject;
  keyPem: string;
  /** The @peculiar/x509 object, to sign children. */
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

export interface DemoPki {
  root: IssuedCert;
  intermediate: IssuedCert;
  otherRoot: IssuedCert;
  serverCa: IssuedCert;
  server: IssuedCert;
  clientGood: IssuedCert;
  clientExpired: IssuedCert;
  clientServerAuthOnly: IssuedCert;
  clientOtherRoot: IssuedCert;
}

let serial = 0x1000;

async function issue(opts: {
  name: string;
  subject: string;
  issuer?: IssuedCert;
  ca?: boolean;
  notBefore: number;
  notAfter: number;
  eku?: string[];
  san?: { type: "dns" | "ip"; value: string }[];
}): Promise<IssuedCert> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(!!opts.ca, undefined, true),
    new x509.KeyUsagesExtension(
      opts.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (opts.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(opts.issuer.keys.publicKey));
  if (opts.eku) extensions.push(new x509.ExtendedKeyUsageExtension(opts.eku, false));
  if (opts.san) extensions.push(new x509.SubjectAlternativeNameExtension(opts.san, false));
  const common = {
    serialNumber: (serial++).toString(16).padStart(8, "0"),
    notBefore: new Date(opts.notBefore),
    notAfter: new Date(opts.notAfter),
    signingAlgorithm: ALG,
    extensions,
  };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: opts.subject,
        issuer: opts.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: opts.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: opts.subject, keys });
  const der = new Uint8Array(cert.rawData);
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const key = KeyObject.from(keys.privateKey as unknown as webcrypto.CryptoKey);
  return {
    name: opts.name,
    der,
    pem: new NodeX509(der).toString(),
    key,
    keyPem: toPem("PRIVATE KEY", pkcs8),
    cert,
    keys,
  };
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/**
 * Builds the demo PKI. `now` (ms since epoch) anchors every validity period so the result does not depend on the
 * wall clock inside this function. Takes about 50 ms.
 */
export async function makeDemoPki(now: number): Promise<DemoPki> {
  const long = { notBefore: now - DAY, notAfter: now + 365 * DAY };
  const root = await issue({ name: "root", subject: "C=AU, O=Demo Corp, CN=Demo Root CA", ca: true, ...long });
  const intermediate = await issue({
    name: "intermediate",
    subject: "DC=com, DC=example, DC=testcore, CN=Demo Test SHA2 CA G2",
    issuer: root,
    ca: true,
    ...long,
  });
  const otherRoot = await issue({ name: "other-root", subject: "O=Elsewhere Inc, CN=Other Root CA", ca: true, ...long });
  const serverCa = await issue({ name: "server-ca", subject: "O=Demo Corp, CN=Demo Server CA", ca: true, ...long });
  const server = await issue({
    name: "server",
    subject: "O=Demo Backend, CN=localhost",
    issuer: serverCa,
    eku: [SERVER_AUTH],
    san: [
      { type: "dns", value: "localhost" },
      { type: "ip", value: "127.0.0.1" },
    ],
    ...long,
  });
  const clientSubject = "C=AU, ST=VIC, L=MELBOURNE, O=Demo Corp, OU=ITS, CN=gateway.example.com";
  const clientGood = await issue({ name: "client-good", subject: clientSubject, issuer: intermediate, eku: [CLIENT_AUTH], ...long });
  const clientExpired = await issue({
    name: "client-expired",
    subject: clientSubject,
    issuer: intermediate,
    eku: [CLIENT_AUTH],
    notBefore: now - 400 * DAY,
    notAfter: now - 35 * DAY,
  });
  const clientServerAuthOnly = await issue({
    name: "client-serverauth-only",
    subject: clientSubject,
    issuer: intermediate,
    eku: [SERVER_AUTH],
    ...long,
  });
  const clientOtherRoot = await issue({
    name: "client-other-root",
    subject: clientSubject,
    issuer: otherRoot,
    eku: [CLIENT_AUTH],
    ...long,
  });
  return { root, intermediate, otherRoot, serverCa, server, clientGood, clientExpired, clientServerAuthOnly, clientOtherRoot };
}
