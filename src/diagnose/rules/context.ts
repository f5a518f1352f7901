/**
 * The context every rule reads: the evidence, plus what is derived from it once (the client model's choice, what
 * the transcript shows the client sent, the server's alert). Rules are pure functions of this context; the clock is
 * `now` from the evidence.
 */
import type { Conversation, ClientStack, Evidence, LoggedCertificate, LoggedHandshake, LogEvidence, ServerPolicy, ServerStack, TranscriptMessage } from "../../evidence/model.js";
import { parseCertificate } from "../../pki/certificate.js";
import type { Certificate, LoadedStore, StoreEntry } from "../../pki/types.js";
import type { CertificateMsg, ClientHello } from "../../wire/types.js";
import { defaultClientStack, selectClientCertificate } from "../clients/index.js";
import { inferClientStackFromHello } from "../clients/hello.js";
import { keyEntries } from "../clients/common.js";
import type { ClientSelection, JavaKeyManager } from "../clients/types.js";
import type { Finding, FindingId } from "../types.js";
import { loggedAsCertificate, sameCertificate } from "./logged.js";

/** What the transcript shows the client sent in answer to the CertificateRequest. */
export interface ObservedCertificate {
  /** The client's Certificate message in the transcript, when it was seen. */
  message?: TranscriptMessage;
  /** Parsed certificates of that message (empty = empty Certificate, or only `logged` is known). */
  chain: Certificate[];
  empty: boolean;
  /** From a log: the certificates as the log printed them (strings, no DER). */
  logged?: LoggedCertificate[];
}

/** The logged handshake the diagnosis reads, with its log (when the conversation came from a log). */
export interface LoggedSource {
  log: LogEvidence;
  handshake: LoggedHandshake;
  /** Index into `log.conversations` / `log.handshakes`. */
  index: number;
}

export interface RuleContext {
  evidence: Evidence;
  /**
   * The moment certificates are judged at (ms since epoch): `evidence.now`, except for a handshake read from a log,
   * where it is the time the log gives the client's Certificate message (the handshake's own time).
   */
  now: number;
  /** Today (ms since epoch) when it differs from `now` (a past handshake: a capture, a log): rules also say how a certificate stands today. */
  today?: number;
  clientStack: ClientStack;
  /**
   * Where `clientStack` comes from: "given" (--client / evidence.clientStack), "keystore" (the default for the
   * keystore's format), "log" (a client-side JSSE debug log or a gateway log), "client-hello" (inferred from the
   * ClientHello, clients/hello.ts), or "default" (nothing says: fixes are then worded for no particular stack).
   */
  clientStackFrom: "given" | "keystore" | "log" | "client-hello" | "default";
  /** When `clientStackFrom` is "client-hello": why, e.g. "Java (JSSE): it offers status_request_v2 (...)". */
  clientStackWhy?: string;
  keyManager?: JavaKeyManager;
  /** The alias the user named (--alias), if any. */
  alias?: string;
  /** True when at least one client keystore / --cert was given. */
  hasKeystore: boolean;
  /** Private-key entries of the client keystores (alias-restricted). */
  keyEntries: StoreEntry[];
  /** Every certificate known from the client stores and the server truststore (to find a missing issuer). */
  knownCertificates: Certificate[];
  /** The server's truststore, when given. */
  truststore?: LoadedStore;
  policy?: ServerPolicy;
  conversation?: Conversation;
  /** "1.2" | "1.3" (from the conversation; "1.2" when unknown). */
  tlsVersion: string;
  serverStack: ServerStack;
  /** The client model's prediction, when there is a keystore and a CertificateRequest to answer. */
  selection?: ClientSelection;
  /** What the transcript shows the client sent, when a conversation was seen. */
  observed?: ObservedCertificate;
  /**
   * The entries whose content rules judge: the chain the transcript shows the client sent (observed behaviour wins
   * over the model), else the chosen one, else the keystore's key entries.
   */
  examined: StoreEntry[];
  /**
   * When the transcript shows the certificates the client sent (parsed DER: a TLS 1.2 capture, a decrypted TLS 1.3
   * one, a probe; or as a log printed them): that chain as an entry (`examined` is then just it). `alias` is the
   * keystore entry whose leaf it is, or "(sent)"; `fromKeystore` tells which. `fromLog`: the chain is the logged one
   * (rules/logged.ts: names re-encoded from strings, no DER; see `loggedOrigin`), unless a keystore entry holds
   * exactly those certificates, whose DER is then used.
   */
  sent?: { entry: StoreEntry; fromKeystore: boolean; fromLog?: boolean };
  /** Logs given (`Evidence.logs`), possibly empty. */
  logs: LogEvidence[];
  /** When the conversation (and maybe the policy) came from a log: which log and handshake. */
  logged?: LoggedSource;
}

/** A rule: one family of findings. */
export interface Rule {
  /** The finding ids this rule can produce. */
  ids: readonly FindingId[];
  /** `prior`: the findings of the rules run before this one (for rules that explain or confirm others). */
  run(ctx: RuleContext, prior: readonly Finding[]): Finding[];
}

function findObserved(conv: Conversation | undefined, evidence: Evidence, logged?: LoggedSource): ObservedCertificate | undefined {
  if (!conv) return undefined;
  if (conv.source === "log" && logged) {
    const certs = logged.handshake.clientCertificates;
    if (certs === null) return undefined;
    const message = conv.messages.find((m) => m.direction === "client→server" && m.type === "Certificate");
    return { ...(message ? { message } : {}), chain: [], empty: certs.length === 0, logged: certs };
  }
  const msg = conv.messages.find((m) => m.direction === "client→server" && m.body?.type === "Certificate");
  if (msg) {
    const body = msg.body as CertificateMsg;
    const chain: Certificate[] = [];
    for (const e of body.entries) {
      try {
        chain.push(parseCertificate(e.certData));
      } catch {
        // an undecodable certificate: keep counting it as sent, but it cannot be judged
      }
    }
    return { message: msg, chain, empty: body.entries.length === 0 };
  }
  const sent = evidence.probe?.clientCertificateSent;
  if (sent === undefined || sent === null) return undefined;
  // The probe saw the Certificate (e.g. inside TLS 1.3 encryption) but gave only certInfo: match to known DER.
  return { chain: [], empty: sent.length === 0 };
}

/**
 * The logged handshake to diagnose when no probe or capture conversation was given: the last one that failed (an
 * alert, a close, or no completion) in the first log that has one, else the last logged handshake.
 */
export function pickLogged(logs: LogEvidence[]): LoggedSource | undefined {
  let last: LoggedSource | undefined;
  for (const log of logs) {
    for (let i = log.conversations.length - 1; i >= 0; i--) {
      const c = log.conversations[i]!;
      const h = log.handshakes[i];
      if (!h) continue;
      if (c.outcome !== "handshake-completed" || c.alert) return { log, handshake: h, index: i };
      last ??= { log, handshake: h, index: i };
    }
  }
  return last;
}

/** Builds the rule context from the evidence. */
export function buildContext(evidence: Evidence, opts: { keyManager?: JavaKeyManager; alias?: string } = {}): RuleContext {
  const logs = evidence.logs ?? [];
  const direct = evidence.probe?.conversation ?? evidence.conversations[0];
  const logged = direct ? undefined : pickLogged(logs);
  const conversation = direct ?? (logged ? logged.log.conversations[logged.index] : undefined);
  const policy = evidence.probe?.policy ?? evidence.policy ?? logged?.handshake.policy;
  const tlsVersion = conversation?.tlsVersion === "1.3" ? "1.3" : "1.2";
  const keystores = evidence.stores.filter((s) => s.role === "client-keystore");
  const alias = opts.alias ?? keystores.find((s) => s.alias)?.alias;
  // A JSSE debug log written by the client says the client is Java; one written by the server says the server is.
  const jsseSide = logs.find((l) => l.kind !== "gateway" && l.side !== "unknown")?.side;
  const gateway = logs.some((l) => l.kind !== "jsse-debug");
  // Precedence: what the user said, the keystore's default, a client-side log, the ClientHello, then OpenSSL's model
  // (with stack-neutral fixes: nothing says which client it is).
  const hello = conversation?.messages.find((m) => m.direction === "client→server" && m.body?.type === "ClientHello")?.body as ClientHello | undefined;
  const inferred = hello ? inferClientStackFromHello(hello) : undefined;
  const clientStackFrom: RuleContext["clientStackFrom"] = evidence.clientStack
    ? "given"
    : keystoresGiven(evidence)
      ? "keystore"
      : jsseSide === "client" || gateway
        ? "log"
        : inferred
          ? "client-hello"
          : "default";
  const clientStack =
    evidence.clientStack ??
    (clientStackFrom === "keystore" ? defaultClientStack(evidence.stores) : clientStackFrom === "log" ? "java" : clientStackFrom === "client-hello" ? inferred!.stack : defaultClientStack(evidence.stores));
  const entries = keyEntries(evidence.stores, alias);
  const truststore = evidence.stores.find((s) => s.role === "server-truststore")?.store;
  const known: Certificate[] = [];
  for (const s of evidence.stores) for (const e of s.store.entries) known.push(...e.chain);
  let selection: ClientSelection | undefined;
  if (keystores.length && policy) {
    selection = selectClientCertificate(clientStack, evidence.stores, policy, {
      tlsVersion,
      now: evidence.now,
      ...(opts.keyManager ? { keyManager: opts.keyManager } : {}),
      ...(alias ? { alias } : {}),
    });
  }
  const chosen = selection?.chosen ? entries.filter((e) => e.alias === selection!.chosen!.alias) : [];
  const observed = findObserved(conversation, evidence, logged);
  const sent = sentEntry(observed, entries);
  // A logged handshake is judged at its own time: the client's Certificate message, as the log stamps it.
  const judgedAt = (conversation?.source === "log" && observed?.message?.time) || evidence.now;
  const today = evidence.today ?? (judgedAt !== evidence.now ? evidence.now : undefined);
  return {
    evidence,
    now: judgedAt,
    ...(today !== undefined && today !== judgedAt ? { today } : {}),
    clientStack,
    clientStackFrom,
    ...(clientStackFrom === "client-hello" ? { clientStackWhy: inferred!.why } : {}),
    ...(opts.keyManager ? { keyManager: opts.keyManager } : {}),
    ...(alias ? { alias } : {}),
    hasKeystore: keystores.length > 0,
    keyEntries: entries,
    knownCertificates: known,
    ...(truststore ? { truststore } : {}),
    ...(policy ? { policy } : {}),
    ...(conversation ? { conversation } : {}),
    tlsVersion,
    serverStack: evidence.serverStack ?? (jsseSide === "server" ? "java" : "unknown"),
    ...(selection ? { selection } : {}),
    ...(observed ? { observed } : {}),
    examined: sent ? [sent.entry] : chosen.length ? chosen : entries,
    ...(sent ? { sent } : {}),
    logs,
    ...(logged ? { logged } : {}),
  };
}

function keystoresGiven(evidence: Evidence): boolean {
  return evidence.stores.some((s) => s.role === "client-keystore");
}

/** The chain the client was seen sending, as an entry: the keystore entry with that leaf (and key), else "(sent)". */
function sentEntry(o: ObservedCertificate | undefined, entries: StoreEntry[]): RuleContext["sent"] {
  if (o?.logged && !o.empty) return loggedSentEntry(o.logged, entries);
  if (!o || o.empty || o.chain.length === 0) return undefined;
  const leaf = Buffer.from(o.chain[0]!.der);
  const own = entries.find((e) => e.chain[0] && Buffer.from(e.chain[0].der).equals(leaf));
  return {
    entry: { alias: own?.alias ?? "(sent)", kind: "private-key", chain: o.chain, ...(own?.privateKey ? { privateKey: own.privateKey } : {}) },
    fromKeystore: own !== undefined,
  };
}

/**
 * The logged chain as an entry. A keystore entry holding exactly these certificates (serial, subject, issuer) lends
 * its DER chain and key; one with the same leaf only lends its alias (the chain judged is still the logged one,
 * without the key: a logged certificate has no public key to match it with).
 */
function loggedSentEntry(logged: LoggedCertificate[], entries: StoreEntry[]): RuleContext["sent"] {
  const exact = entries.find((e) => e.chain.length === logged.length && e.chain.every((c, i) => sameCertificate(c, logged[i]!)));
  if (exact) return { entry: exact, fromKeystore: true, fromLog: true };
  const chain: Certificate[] = [];
  for (const l of logged) {
    const c = loggedAsCertificate(l);
    if (c) chain.push(c);
  }
  if (chain.length === 0) return undefined;
  const own = entries.find((e) => e.chain[0] && sameCertificate(e.chain[0], logged[0]!));
  return { entry: { alias: own?.alias ?? "(sent)", kind: "private-key", chain }, fromKeystore: own !== undefined, fromLog: true };
}

/**
 * How rules name a stored credential: `the key entry "alias"` for keystore clients (Java, .NET), `the certificate
 * file` for clients configured with PEM files (OpenSSL, curl, Node, Go: "key entry" is a keystore term).
 */
export function credentialName(ctx: RuleContext, alias: string): string {
  const pem = pemCredentialFile(ctx, alias);
  if (pem) return `the certificate file ${pem}`;
  return ctx.clientStack === "java" || ctx.clientStack === "dotnet" ? `the key entry "${alias}"` : "the certificate file";
}

/**
 * The file name (without its directory) of the PEM client credential that holds the private-key entry `alias`, or
 * undefined when that credential is a keystore (PKCS#12, JKS) or unknown. A PEM credential is a file, not a keystore
 * entry: fixes then say "put the intermediate after the leaf in client.crt", never "key entry" or "alias".
 */
export function pemCredentialFile(ctx: RuleContext, alias: string): string | undefined {
  const s = ctx.evidence.stores.find((x) => x.role === "client-keystore" && x.store.entries.some((e) => e.alias === alias && e.kind === "private-key"));
  if (!s || s.store.format !== "pem") return undefined;
  return s.store.file.split(/[\\/]/).pop() || s.store.file;
}

/** How rules name an entry they judge: `the chain the client sent` or the credential (see {@link credentialName}). */
export function entryName(ctx: RuleContext, e: StoreEntry): string {
  const java = ctx.clientStack === "java" || ctx.clientStack === "dotnet";
  return ctx.sent?.entry === e ? `the chain the client sent${ctx.sent.fromKeystore && java ? ` (key entry "${e.alias}")` : ""}` : credentialName(ctx, e.alias);
}

/** Evidence role of a certificate of `e`: what was sent ("client-chain") or a keystore entry. */
export function entryRole(ctx: RuleContext, e: StoreEntry): "client-chain" | "keystore" {
  return ctx.sent?.entry === e ? "client-chain" : "keystore";
}

/**
 * The client stack to word fixes for: `ctx.clientStack`, or undefined when nothing said which client it is
 * (`clientStackFrom` "default": no --client, no keystore, no client log, nothing distinctive in the ClientHello).
 */
export function fixStack(ctx: RuleContext): ClientStack | undefined {
  return ctx.clientStackFrom === "default" ? undefined : ctx.clientStack;
}
