import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { parseCertificatePem, parseCertificate, verifySignedBy } from "../../src/pki/certificate.js";
import { dnToString } from "../../src/pki/dn.js";
import { MtlsDoctorError } from "../../src/errors.js";
import { makeStores, keytool, openssl, type Stores } from "../helpers/stores.js";

const FILES = ["root", "inter", "leaf", "ec", "expired", "server", "ed25519", "pss"];
let s: Stores;
let kt: Record<string, string>[] = [];
beforeAll(() => {
  s = makeStores();
  writeFileSync(s.p("all.pem"), FILES.map((f) => readFileSync(s.p(`${f}.pem`), "utf8")).join(""));
  const out = keytool(["-J-Duser.language=en", "-J-Duser.timezone=UTC", "-printcert", "-file", "all.pem"], s.dir);
  // One section per certificate; keep "Key: value" lines of the header.
  kt = out.split(/^Certificate\[\d+\]:$/m).slice(1).map((sec) => {
    const r: Record<string, string> = {};
    for (const line of sec.split("\n")) {
      const m = /^(Owner|Issuer|Serial number|Valid from|Signature algorithm name|Subject Public Key Algorithm|Version|\s+SHA256): (.*)$/.exec(line);
      if (m) r[m[1]!.trim()] = m[2]!;
    }
    return r;
  });
});
afterAll(() => s?.cleanup());

const pem = (f: string) => parseCertificatePem(readFileSync(s.p(`${f}.pem`), "utf8"));

describe("parseCertificate agrees with keytool -printcert", () => {
  it("subject, issuer, serial, validity, signature algorithm, key, version, fingerprint", () => {
    expect(kt).toHaveLength(FILES.length);
    FILES.forEach((f, i) => {
      const k = kt[i]!;
      const c = pem(f);
      const info = c.info(c.notBefore + 1000);
      expect(c.subject, f).toBe(k["Owner"]);
      expect(c.issuer, f).toBe(k["Issuer"]);
      expect(info.serialNumber.replace(/:/g, "").replace(/^0+(?=.)/, ""), f).toBe(k["Serial number"]);
      const [from, until] = k["Valid from"]!.split(" until: ");
      expect(c.notBefore, f).toBe(Date.parse(from!));
      expect(c.notAfter, f).toBe(Date.parse(until!));
      expect(info.sigAlgName, f).toBe(k["Signature algorithm name"]);
      const km = /^(\d+)-bit (\S+)/.exec(k["Subject Public Key Algorithm"]!)!;
      expect(c.keySize, f).toBe(Number(km[1]));
      expect(c.keyAlgorithm, f).toBe(km[2]);
      expect(info.version, f).toBe(Number(k["Version"]));
      expect(info.sha256Fingerprint, f).toBe(k["SHA256"]);
      expect(info.isValid).toBe("Yes");
    });
  });
});

describe("parseCertificate agrees with openssl x509 -text", () => {
  it("serial bytes, SAN, EKU, key usage, basic constraints, SKI/AKI, openssl-style DNs", () => {
    for (const f of FILES) {
      const c = pem(f);
      const text = openssl(["x509", "-in", `${f}.pem`, "-noout", "-text"], s.dir);
      const serial = /Serial Number:\s*\n\s*([0-9a-f:]+)/.exec(text)?.[1] ?? /Serial Number: (\d+)/.exec(text)![1]!;
      if (serial.includes(":")) expect(c.info(0).serialNumber, f).toBe(serial);
      else expect(BigInt("0x" + c.info(0).serialNumber.replace(/:/g, "")).toString(), f).toBe(serial);
      const subj = openssl(["x509", "-in", `${f}.pem`, "-noout", "-subject"], s.dir).trim().replace(/^subject=/, "");
      expect(dnToString(c.subjectDer, "openssl")).toBe(subj);
      const san = /X509v3 Subject Alternative Name: \n\s*(.*)\n/.exec(text)?.[1];
      expect(c.subjectAlternativeNames.join(", ").replace(/IP:/g, "IP Address:"), f).toBe(san ?? "");
      const bc = /X509v3 Basic Constraints:.*\n\s*(.*)\n/.exec(text)?.[1];
      if (bc) expect(c.info(0).basicConstraints, f).toBe(bc.replace("pathlen", " pathlen").replace(",  ", ", "));
      const ski = /Subject Key Identifier: \n\s*(.*)\n/.exec(text)?.[1];
      expect(c.subjectKeyIdentifier, f).toBe(ski);
      const eku = /Extended Key Usage: \n\s*(.*)\n/.exec(text)?.[1];
      const ekuMap: Record<string, string> = { "TLS Web Client Authentication": "clientAuth", "TLS Web Server Authentication": "serverAuth" };
      expect(c.extendedKeyUsage?.join(", "), f).toBe(eku?.split(", ").map((x) => ekuMap[x] ?? x).join(", "));
      const ku = /X509v3 Key Usage: .*\n\s*(.*)\n/.exec(text)?.[1];
      const kuMap: Record<string, string> = { "Digital Signature": "digitalSignature", "Key Encipherment": "keyEncipherment", "Certificate Sign": "keyCertSign", "CRL Sign": "cRLSign" };
      expect(c.keyUsage?.join(", "), f).toBe(ku?.split(", ").map((x) => kuMap[x] ?? x).join(", "));
    }
  });
  it("the playbook's certInfo shape for the RSA leaf", () => {
    const c = pem("leaf");
    const info = c.info(c.notBefore);
    expect(info).toMatchObject({
      basicConstraints: "CA:FALSE",
      isValid: "Yes",
      issuer: "CN=MyCompany Test SHA2 CA G2, DC=mycompany, DC=com",
      publicKey: "RSA Public Key, 2048 bits",
      serialNumber: "65:00:00:00:d2:3e:12:d8:56:fa:e2:a9:69:00:06:00:00:00:00:d2",
      sigAlgName: "SHA256withRSA",
      subject: "CN=nonprod-api.mycompany.com, OU=ITS, O=MyCompany, L=MELBOURNE, ST=VIC, C=AU",
      subjectAlternativeNames: ["DNS:localhost", "IP:127.0.0.1", "email:ops@example.com"],
      version: 3,
      keyUsage: ["digitalSignature", "keyEncipherment"],
      extendedKeyUsage: ["clientAuth"],
    });
    expect(pem("inter").info(0).basicConstraints).toBe("CA:TRUE, pathlen:0");
    expect(pem("ec").info(0).publicKey).toBe("EC Public Key, 256 bits");
    expect(pem("ed25519").info(0).publicKey).toBe("Ed25519 Public Key, 255 bits");
    const exp = pem("expired");
    expect(exp.notAfter).toBe(Date.UTC(2021, 0, 1));
    expect(exp.info(Date.UTC(2024, 0, 1)).isValid).toBe("No");
  });
  it("issuerDer is the exact TBS bytes and matches the issuer's subjectDer", () => {
    expect(Buffer.from(pem("leaf").issuerDer).equals(Buffer.from(pem("inter").subjectDer))).toBe(true);
    const der = pem("leaf").der;
    expect(Buffer.from(der).indexOf(Buffer.from(pem("leaf").issuerDer))).toBeGreaterThan(0);
  });
});

describe("verifySignedBy", () => {
  it("RSA, RSA-PSS, ECDSA-signed-by-RSA, Ed25519; false for the wrong issuer", () => {
    expect(verifySignedBy(pem("leaf"), pem("inter"))).toBe(true);
    expect(verifySignedBy(pem("inter"), pem("root"))).toBe(true);
    expect(verifySignedBy(pem("root"), pem("root"))).toBe(true);
    expect(verifySignedBy(pem("ec"), pem("inter"))).toBe(true);
    expect(verifySignedBy(pem("pss"), pem("root"))).toBe(true); // same key as root, PSS signature
    expect(verifySignedBy(pem("ed25519"), pem("ed25519"))).toBe(true);
    expect(verifySignedBy(pem("leaf"), pem("root"))).toBe(false);
    expect(verifySignedBy(pem("ed25519"), pem("ec"))).toBe(false);
  });
  it("ECDSA signature (EC issuer)", () => {
    openssl(["req", "-x509", "-key", "ec.key", "-subj", "/CN=ec-self", "-days", "2", "-sha384", "-out", "ec-self.pem"], s.dir);
    const c = pem("ec-self");
    expect(c.sigAlgName).toBe("SHA384withECDSA");
    expect(verifySignedBy(c, c)).toBe(true);
    expect(c.namedCurve).toBe("P-256");
  });
});

describe("garbage", () => {
  it("throws MTLSD_ERR_BAD_CERTIFICATE", () => {
    for (const b of [new Uint8Array([0x30, 0x03, 1, 2, 3]), new Uint8Array([1, 2, 3]), new Uint8Array(0)]) {
      try {
        parseCertificate(b);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(MtlsDoctorError);
        expect((e as MtlsDoctorError).code).toBe("MTLSD_ERR_BAD_CERTIFICATE");
      }
    }
  });
});
