/**
 * Passwords from the command line or the environment, in one place for every command. Never printed.
 * Store password: --password, else MTLS_DOCTOR_PASSWORD. Key password (when a key entry has its own, as with
 * `keytool -keypass`): --key-password, else MTLS_DOCTOR_KEY_PASSWORD, else the store password.
 */
import type { Command } from "commander";
import type { LoadOptions } from "../pki/store.js";

/** The options a command needs to open a keystore. */
export interface PasswordOptions {
  password?: string;
  keyPassword?: string;
}

/** The store password: `--password`, else env MTLS_DOCTOR_PASSWORD (undefined when neither). */
export function storePassword(o: PasswordOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return o.password ?? env.MTLS_DOCTOR_PASSWORD;
}

/** The key password: `--key-password`, else env MTLS_DOCTOR_KEY_PASSWORD (undefined: use the store password). */
export function keyPassword(o: PasswordOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return o.keyPassword ?? env.MTLS_DOCTOR_KEY_PASSWORD;
}

/** `loadKeystore` options for a client keystore from the command's password options. */
export function keystoreLoadOptions(o: PasswordOptions, env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const password = storePassword(o, env);
  const kp = keyPassword(o, env);
  return { ...(password !== undefined ? { password } : {}), ...(kp !== undefined ? { keyPassword: kp } : {}) };
}

/** Help text of `--key-password` for commands that take a keystore (and, where they have one, a PEM --key). */
export const KEY_PASSWORD_HELP =
  "password of the keystore's private keys when it differs from the store password (keytool -keypass), or the passphrase of an encrypted --key (or env MTLS_DOCTOR_KEY_PASSWORD)";

/** Adds `--key-password` to a command that has none. */
export function addKeyPasswordOption(cmd: Command): Command {
  return cmd.option("--key-password <password>", KEY_PASSWORD_HELP);
}
