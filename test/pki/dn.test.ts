import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { dnToString, compareNames, parseName, prepareString } from "../../src/pki/dn.js";
import { keytool, openssl, type Stores } from "../helpers/stores.js";

/** Subjects that exercise quoting, escaping, multi-valued RDNs, non-ASCII and DC/email/serialNumber/title. */
const SUBJECTS = [
  "/C=AU/ST=VIC/L=MELBOURNE/O=MyCompany/OU=ITS/CN=nonprod-api.mycompany.com",
  '/C=AU/O=My, Company "x"/OU=R&D+OU=Ops/CN=  spaced  name /emailAddress=a@b.c',
  "/DC=com/DC=mycompany/serialNumber=123/title=Dr/CN=Zoë;x#/CN=#hash",
  "/O=a<b>c\\\\d/CN=plus+sign=eq",
];

function subjectDer(pemFile: string): Uint8Array {
  const pem = readFileSync(pemFile, "utf8");
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const cert = pkijs.Certificate.fromBER(Buffer.from(b64, "base64"));
  return new Uint8Array(cert.subject.toSchema().toBER());
}

let s: Stores;
beforeAll(() => {
  s = makeStoresLite();
});
afterAll(() => s?.cleanup());

function makeStoresLite(): Stores {
  // DN tests need only a few self-signed certs; reuse the helper's folder handling.
  const st = makeStoresDirOnly();
  SUBJECTS.forEach((subj, i) => {
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `k${i}.pem`,
      "-out", `c${i}.pem`, "-days", "1", "-utf8", "-multivalue-rdn", "-subj", subj], st.dir);
  });
  return st;
}
function makeStoresDirOnly(): Stores {
  // lightweight: a temp dir without the full store set
  const dir = mkdtempSync(join(tmpdir(), "mtlsd-dn-"));
  return { dir, p: (n) => join(dir, n), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("dnToString matches the real tools", () => {
  it("java style equals keytool -printcert Owner", () => {
    SUBJECTS.forEach((_, i) => {
      const out = keytool(["-J-Duser.language=en", "-printcert", "-file", s.p(`c${i}.pem`)], s.dir);
      const owner = /^Owner: (.*)$/m.exec(out)![1];
      expect(dnToString(subjectDer(s.p(`c${i}.pem`)), "java")).toBe(owner);
    });
  });
  it("openssl style equals openssl x509 -subject (OpenSSL 3 default), slash equals -nameopt compat", () => {
    SUBJECTS.forEach((_, i) => {
      const der = subjectDer(s.p(`c${i}.pem`));
      const one = openssl(["x509", "-in", `c${i}.pem`, "-noout", "-subject"], s.dir).trim().replace(/^subject=/, "");
      const compat = openssl(["x509", "-in", `c${i}.pem`, "-noout", "-subject", "-nameopt", "compat"], s.dir).trim().replace(/^subject=/, "");
      expect(dnToString(der, "openssl")).toBe(one);
      expect(dnToString(der, "openssl-slash")).toBe(compat);
    });
  });
  it("rfc4514 style: most specific first, escaped per RFC 4514 §2.4", () => {
    const der = subjectDer(s.p("c1.pem"));
    expect(dnToString(der, "rfc4514")).toBe(
      '1.2.840.113549.1.9.1=#16056140622e63,CN=\\  spaced  name\\ ,OU=Ops+OU=R&D,O=My\\, Company \\"x\\",C=AU',
    );
  });
  it("parseName keeps multi-valued RDNs, tags and values", () => {
    const n = parseName(subjectDer(s.p("c1.pem")));
    expect(n.rdns.map((r) => r.length)).toEqual([1, 1, 2, 1, 1]);
    expect(n.rdns[0]![0]).toMatchObject({ oid: "2.5.4.6", shortName: "C", tag: 19, tagName: "PrintableString", value: "AU" });
    expect(n.rdns[2]!.map((a) => a.value)).toEqual(["Ops", "R&D"]);
    expect(n.rdns[4]![0]).toMatchObject({ shortName: "emailAddress", tag: 22, tagName: "IA5String" });
  });
});

/** Builds a Name DER from [oid, tagClass, value][] RDNs. */
function name(rdns: [string, "p" | "u" | "b", string][][]): Uint8Array {
  const seq = new asn1js.Sequence({
    value: rdns.map(
      (rdn) =>
        new asn1js.Set({
          value: rdn.map(([oid, t, v]) =>
            new asn1js.Sequence({
              value: [
                new asn1js.ObjectIdentifier({ value: oid }),
                t === "p" ? new asn1js.PrintableString({ value: v }) : t === "u" ? new asn1js.Utf8String({ value: v }) : new asn1js.BmpString({ value: v }),
              ],
            }),
          ),
        }),
    ),
  });
  return new Uint8Array(seq.toBER());
}
const C = "2.5.4.6", O = "2.5.4.10", CN = "2.5.4.3";

describe("compareNames (RFC 5280 §7.1, RFC 4518)", () => {
  const base = name([[[C, "p", "AU"]], [[O, "p", "MyCompany"]], [[CN, "p", "Test CA"]]]);
  it("byte-equal for identical DER", () => {
    expect(compareNames(base, new Uint8Array(base))).toBe("byte-equal");
  });
  it("normalised-equal across PrintableString vs UTF8String vs BMPString", () => {
    const utf8 = name([[[C, "p", "AU"]], [[O, "u", "MyCompany"]], [[CN, "u", "Test CA"]]]);
    const bmp = name([[[C, "p", "AU"]], [[O, "b", "MyCompany"]], [[CN, "b", "Test CA"]]]);
    expect(Buffer.from(utf8).equals(Buffer.from(base))).toBe(false);
    expect(compareNames(base, utf8)).toBe("normalised-equal");
    expect(compareNames(utf8, bmp)).toBe("normalised-equal");
    expect(dnToString(utf8, "java")).toBe(dnToString(base, "java"));
  });
  it("normalised-equal across case and insignificant spaces", () => {
    const other = name([[[C, "p", "au"]], [[O, "u", "  mycompany "]], [[CN, "u", "TEST    ca"]]]);
    expect(compareNames(base, other)).toBe("normalised-equal");
  });
  it("different when values, RDN count or RDN order differ", () => {
    expect(compareNames(base, name([[[C, "p", "AU"]], [[O, "p", "MyCompany"]], [[CN, "p", "Test CA 2"]]]))).toBe("different");
    expect(compareNames(base, name([[[C, "p", "AU"]], [[O, "p", "MyCompany"]]]))).toBe("different");
    expect(compareNames(base, name([[[O, "p", "MyCompany"]], [[C, "p", "AU"]], [[CN, "p", "Test CA"]]]))).toBe("different");
    expect(compareNames(base, name([[[C, "p", "AU"]], [[O, "p", "MyCompany"], [CN, "p", "Test CA"]]]))).toBe("different");
  });
  it("multi-valued RDNs compare as sets", () => {
    const a = name([[[O, "p", "X"], [CN, "p", "Y"]]]);
    const b = name([[[CN, "u", "y"], [O, "u", "x"]]]);
    expect(compareNames(a, b)).toBe("normalised-equal");
  });
  it("garbage is different, never a throw", () => {
    expect(compareNames(base, new Uint8Array([1, 2, 3]))).toBe("different");
  });
  it("prepareString", () => {
    expect(prepareString("  Foo\tBAR  baz ")).toBe("foo bar baz");
  });
});
