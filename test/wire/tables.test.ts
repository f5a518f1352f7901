/** IANA tables: generated file matches the CSVs (drift test), and the lookups name what peers send. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without type declarations
import { generate } from "../../scripts/gen-iana.mjs";
import {
  ALERT_DESCRIPTIONS,
  CIPHER_SUITES,
  CLIENT_CERTIFICATE_TYPES,
  EXTENSION_TYPES,
  HANDSHAKE_TYPES,
  nameOf,
  opensslSignatureName,
  SIGNATURE_SCHEMES,
  SUPPORTED_GROUPS,
  versionName,
} from "../../src/wire/tables.js";

describe("IANA tables", () => {
  it("tables.generated.ts is exactly what scripts/gen-iana.mjs produces from src/wire/iana/*.csv", () => {
    const checkedIn = readFileSync(join(import.meta.dirname, "../../src/wire/tables.generated.ts"), "utf8");
    expect((generate as () => string)()).toBe(checkedIn);
  });

  it("names alerts, including the TLS 1.3 ones", () => {
    expect(nameOf(ALERT_DESCRIPTIONS, 116)).toBe("certificate_required");
    expect(nameOf(ALERT_DESCRIPTIONS, 115)).toBe("unknown_psk_identity");
    expect(nameOf(ALERT_DESCRIPTIONS, 120)).toBe("no_application_protocol");
    expect(nameOf(ALERT_DESCRIPTIONS, 48)).toBe("unknown_ca");
    expect(nameOf(ALERT_DESCRIPTIONS, 100)).toBe("no_renegotiation"); // _RESERVED suffix dropped
    expect(nameOf(ALERT_DESCRIPTIONS, 200)).toBe("unknown(0xc8)");
  });

  it("names handshake types, extensions, suites, groups, certificate types", () => {
    expect(nameOf(HANDSHAKE_TYPES, 13)).toBe("certificate_request");
    expect(nameOf(HANDSHAKE_TYPES, 14)).toBe("server_hello_done");
    expect(nameOf(EXTENSION_TYPES, 47)).toBe("certificate_authorities");
    expect(nameOf(EXTENSION_TYPES, 0xff01)).toBe("renegotiation_info");
    expect(nameOf(EXTENSION_TYPES, 0x1234)).toBe("unknown(0x1234)");
    expect(nameOf(EXTENSION_TYPES, 0xdada)).toBe("GREASE(0xdada)");
    expect(nameOf(CIPHER_SUITES, 0x1303)).toBe("TLS_CHACHA20_POLY1305_SHA256");
    expect(nameOf(CIPHER_SUITES, 0xc02f)).toBe("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    expect(nameOf(CIPHER_SUITES, 0x0a0a)).toBe("GREASE(0x0a0a)");
    expect(nameOf(SUPPORTED_GROUPS, 29)).toBe("x25519");
    expect(nameOf(SUPPORTED_GROUPS, 0x11ec)).toBe("X25519MLKEM768");
    expect(nameOf(CLIENT_CERTIFICATE_TYPES, 64)).toBe("ecdsa_sign");
    expect(versionName(0x0304)).toBe("TLS 1.3");
  });

  it("carries the complete registries for cipher suites, groups and signature schemes (real IANA CSVs)", () => {
    // rows from across tls-parameters-4.csv, including ones after quoted multi-line "Reserved" rows
    expect(nameOf(CIPHER_SUITES, 0x0000)).toBe("TLS_NULL_WITH_NULL_NULL");
    expect(nameOf(CIPHER_SUITES, 0x0067)).toBe("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256");
    expect(nameOf(CIPHER_SUITES, 0x00ff)).toBe("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    expect(nameOf(CIPHER_SUITES, 0x5600)).toBe("TLS_FALLBACK_SCSV");
    expect(nameOf(CIPHER_SUITES, 0xc09c)).toBe("TLS_RSA_WITH_AES_128_CCM");
    expect(nameOf(CIPHER_SUITES, 0xc106)).toBe("TLS_GOSTR341112_256_WITH_MAGMA_MGM_S");
    expect(nameOf(CIPHER_SUITES, 0xd005)).toBe("TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256");
    expect(nameOf(CIPHER_SUITES, 0x001c)).toBe("unknown(0x001c)"); // "0x00,0x1C-1D" reserved range
    expect(nameOf(CIPHER_SUITES, 0xfafa)).toBe("GREASE(0xfafa)"); // registry row "Reserved [RFC8701]"
    expect(Object.keys(CIPHER_SUITES.names).length).toBeGreaterThan(340);
    expect(nameOf(SUPPORTED_GROUPS, 0x0200)).toBe("MLKEM512");
    expect(nameOf(SUPPORTED_GROUPS, 0xff02)).toBe("arbitrary_explicit_char2_curves");
    expect(nameOf(SUPPORTED_GROUPS, 0x3a3a)).toBe("GREASE(0x3a3a)");
    expect(nameOf(SIGNATURE_SCHEMES, 0x0906)).toBe("mldsa87");
    expect(nameOf(SIGNATURE_SCHEMES, 0x0840)).toBe("unknown(0x0840)"); // "Reserved for backward compatibility"
  });

  it("names signature schemes, TLS 1.2 hash/signature pairs, and the OpenSSL spelling", () => {
    expect(nameOf(SIGNATURE_SCHEMES, 0x0804)).toBe("rsa_pss_rsae_sha256");
    expect(nameOf(SIGNATURE_SCHEMES, 0x0303)).toBe("ecdsa_sha224");
    expect(nameOf(SIGNATURE_SCHEMES, 0x0402)).toBe("dsa_sha256");
    expect(opensslSignatureName(0x0403)).toBe("ECDSA+SHA256");
    expect(opensslSignatureName(0x0804)).toBe("RSA-PSS+SHA256");
    expect(opensslSignatureName(0x0809)).toBe("rsa_pss_pss_sha256");
    expect(opensslSignatureName(0x0401)).toBe("RSA+SHA256");
    expect(opensslSignatureName(0x0807)).toBe("ed25519");
    expect(opensslSignatureName(0x081a)).toBe("ecdsa_brainpoolP256r1tls13_sha256");
  });
});
