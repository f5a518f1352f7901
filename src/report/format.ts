/**
 * Small formatting helpers shared by the renderers. Pure: no clock, no environment.
 */
import type { Endpoint } from "../evidence/model.js";
import type { AlertView, ConversationView, ReportView } from "./view.js";

/** ms since epoch → "2024-05-01T12:00:00Z" (UTC, second precision). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "host:port", with IPv6 literals bracketed. */
export function hostPort(e: Endpoint): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** "fatal bad_certificate(42)". */
export function alertText(a: AlertView): string {
  return `${a.levelName} ${a.descriptionName}(${a.description})`;
}

/** One sentence on how a conversation ended. */
export function endingText(c: ConversationView): string {
  if (c.alert) {
    const when = c.alert.afterClientFinished ? " after the client's Finished" : c.alert.afterMessageIndex !== undefined ? ` after message #${c.alert.afterMessageIndex}` : "";
    return `The ${c.alert.sender} sent alert ${alertText(c.alert)}${when} (message #${c.alert.messageIndex}).`;
  }
  if (c.closedWithoutAlert) return "The connection was closed without an alert.";
  switch (c.outcome) {
    case "handshake-completed":
      return "The handshake completed.";
    case "reset":
      return "The connection was reset.";
    case "closed-during-handshake":
      return "The connection closed during the handshake.";
    case "closed-after-handshake":
      return "The connection closed after the handshake.";
    case "incomplete":
      return "The conversation is incomplete (the capture ends before the handshake does).";
    default:
      return "How the conversation ended is not known.";
  }
}

/** "TLS 1.2", "TLS 1.3", or "TLS (version unknown)". */
export function tlsLabel(v: string | undefined): string {
  return v ? `TLS ${v}` : "TLS (version unknown)";
}

export function severityLabel(s: "error" | "warning" | "info"): string {
  return s === "error" ? "Error" : s === "warning" ? "Warning" : "Info";
}

/** "Generated 2024-…Z by mtls-doctor 0.1.0" (without the time when the view has none). */
export function generatedLine(v: ReportView): string {
  return `${v.generatedAt !== undefined ? `Generated ${isoTime(v.generatedAt)} by ` : "Made by "}${v.tool.name} ${v.tool.version}`;
}
