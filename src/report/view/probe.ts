/**
 * What a live probe saw, as reports show it, and the headline of a probe report that ran no rules.
 */
import type { Endpoint, ProbeEvidence } from "../../evidence/model.js";
import type { CertInfo } from "../../pki/types.js";
import { copyCertInfo } from "./stores.js";

/** What a live probe saw: the target, whether the handshake completed and was accepted, the certificates exchanged. */
export interface ProbeView {
  target: Endpoint;
  /** SNI sent. */
  servername?: string;
  /** The client saw the handshake complete (Node's secureConnect). */
  handshakeCompleted: boolean;
  /** The server let the connection through (no fatal alert, reset or close after the handshake). */
  accepted?: boolean;
  /** The error the client got (one line), when it failed. */
  clientError?: string;
  /** The extra run without a client certificate that decided whether one is required. */
  withoutCertificate?: { handshakeCompleted: boolean; accepted: boolean; clientError?: string };
  /** The server's chain as sent, leaf first. */
  serverCertificates: CertInfo[];
  /** null = no Certificate message; [] = an empty one. */
  clientCertificateSent: CertInfo[] | null;
}

/** The headline of a probe without a diagnosis: accepted, rejected (by which alert), or failed. */
export function probeHeadline(p: ProbeEvidence): string {
  if (p.accepted === true || (p.accepted === undefined && p.handshakeCompleted)) return "The server accepted the connection";
  const a = p.conversation.alert;
  // TLS 1.3: the client's handshake completes before the server judges its certificate.
  const what = p.handshakeCompleted ? "The server rejected the client" : "Handshake failed";
  if (a) return `${what}: ${a.sender} sent ${a.alert.descriptionName}(${a.alert.description})`;
  if (p.conversation.closedWithoutAlert) return `${what}: the connection closed without an alert`;
  return what;
}

/** A probe as a {@link ProbeView} (certInfo records copied). */
export function probeView(p: ProbeEvidence): ProbeView {
  return {
    target: { ...p.target },
    ...(p.servername ? { servername: p.servername } : {}),
    handshakeCompleted: p.handshakeCompleted,
    ...(p.accepted !== undefined ? { accepted: p.accepted } : {}),
    ...(p.clientError ? { clientError: p.clientError } : {}),
    ...(p.withoutCertificate
      ? {
          withoutCertificate: {
            handshakeCompleted: p.withoutCertificate.handshakeCompleted,
            accepted: p.withoutCertificate.accepted,
            ...(p.withoutCertificate.clientError ? { clientError: p.withoutCertificate.clientError } : {}),
          },
        }
      : {}),
    serverCertificates: p.serverCertificates.map(copyCertInfo),
    clientCertificateSent: p.clientCertificateSent ? p.clientCertificateSent.map(copyCertInfo) : null,
  };
}
