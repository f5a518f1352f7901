/**
 * Live diagnosis: read a server's CertificateRequest, ask the client model what that client would send, offer
 * exactly that, and diagnose the result. Shared by `mtls-doctor diagnose --connect` and `mtls-doctor demo`.
 */
import { isMtlsDoctorError } from "../errors.js";
import type { ClientStack, Evidence, LogEvidence, ProbeEvidence, ServerStack, StoreEvidence } from "../evidence/model.js";
import { probe, type ProbeOptions } from "../probe/probe.js";
import { defaultClientStack, selectClientCertificate } from "./clients/index.js";
import type { ClientSelection, JavaKeyManager } from "./clients/types.js";
import { diagnose, type DiagnosisDetail } from "./engine.js";
import { checkSingleCredential, checkTime } from "./validate.js";
import { MtlsDoctorError } from "../errors.js";

/** Options of {@link diagnoseLive}. */
export interface LiveOptions {
  host: string;
  port: number;
  /** Client keystore(s) and, optionally, the server's truststore. */
  stores: StoreEvidence[];
  /** Client stack to model; default java for JKS/PKCS#12 keystores, openssl for PEM. */
  clientStack?: ClientStack;
  serverStack?: ServerStack;
  keyManager?: JavaKeyManager;
  alias?: string;
  tlsVersion?: "1.2" | "1.3";
  servername?: string;
  /** Per connection, ms. Default 10000. */
  timeoutMs?: number;
  /** TLS 1.3 wait for the server's verdict after the handshake, ms (see ProbeOptions.graceMs). */
  graceMs?: number;
  /** ms since epoch for every validity judgement. */
  now: number;
  /** Logs (src/logs readLog) to diagnose along with the probe: their events confirm or explain findings. */
  logs?: LogEvidence[];
}

/** The evidence gathered and the diagnosis made from it. */
export interface LiveResult {
  evidence: Evidence;
  diagnosis: DiagnosisDetail;
  /** What the client model chose before the second probe (absent when no certificate was requested). */
  selection?: ClientSelection;
}

/**
 * Probes `host:port` twice at most: once without a certificate (reads the CertificateRequest and tells whether a
 * certificate is required), then, when the model picks a certificate, once with exactly the chain the client would
 * send. When the model sends an empty Certificate the first run is the evidence.
 * Throws what {@link probe} throws (MTLSD_ERR_UNREACHABLE, _REFUSED, _TIMEOUT, _NOT_TLS, _BAD_TARGET), and
 * MTLSD_ERR_USAGE when `now` is not a finite number of ms since epoch or `stores` is not an array (absent: []), and
 * when an OpenSSL/curl/Node client is given several private-key entries without `alias` (validate.ts
 * `checkSingleCredential`: the same question `probe` asks).
 */
export async function diagnoseLive(o: LiveOptions): Promise<LiveResult> {
  checkTime(o?.now, "now");
  if (o.stores === undefined || o.stores === null) o = { ...o, stores: [] };
  else if (!Array.isArray(o.stores)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "stores must be an array of StoreEvidence");
  checkSingleCredential(o.stores, o.clientStack ?? defaultClientStack(o.stores), o.alias);
  const clientStack = o.clientStack ?? defaultClientStack(o.stores);
  const base: ProbeOptions = {
    host: o.host,
    port: o.port,
    checkRequired: false,
    now: o.now,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
    ...(o.tlsVersion ? { tlsVersion: o.tlsVersion } : {}),
    ...(o.servername ? { servername: o.servername } : {}),
  };
  const bare = await probe(base);
  let result: ProbeEvidence = bare;
  let selection: ClientSelection | undefined;
  const hasKeys = o.stores.some((s) => s.role === "client-keystore");
  if (hasKeys && bare.policy.requested) {
    selection = selectClientCertificate(clientStack, o.stores, bare.policy, {
      tlsVersion: bare.conversation.tlsVersion ?? "1.2",
      now: o.now,
      ...(o.keyManager ? { keyManager: o.keyManager } : {}),
      ...(o.alias ? { alias: o.alias } : {}),
    });
    const chosen = selection.chosen;
    const entry = chosen ? o.stores.flatMap((s) => s.store.entries).find((e) => e.alias === chosen.alias && e.privateKey) : undefined;
    if (entry?.privateKey && !selection.empty) {
      try {
        result = await probe({ ...base, credential: { chain: selection.sentChain, privateKey: entry.privateKey } });
        result.policy = { ...result.policy, required: bare.accepted === false };
      } catch (e) {
        // Node refuses a key that does not match its certificate before connecting; the bare run stays the evidence.
        if (!isMtlsDoctorError(e, "MTLSD_ERR_BAD_KEY")) throw e;
      }
    }
  }
  const evidence: Evidence = {
    now: o.now,
    stores: o.stores,
    conversations: [],
    probe: result,
    policy: result.policy,
    clientStack,
    ...(o.serverStack ? { serverStack: o.serverStack } : {}),
    ...(o.logs?.length ? { logs: o.logs } : {}),
  };
  const diagnosis = diagnose(evidence, { ...(o.keyManager ? { keyManager: o.keyManager } : {}), ...(o.alias ? { alias: o.alias } : {}) });
  return { evidence, diagnosis, ...(selection ? { selection } : {}) };
}
