#!/usr/bin/env node
/**
 * mtls-doctor command line. Each command lives in its own file under src/cli/commands and exports
 * `register(program)`. Exit codes: see src/errors.ts (ExitCode).
 */
import { Command, CommanderError } from "commander";
import { ExitCode } from "../errors.js";
import { reportError } from "./run.js";
import { VERSION } from "../version.js";
import { COMMANDS } from "./commands/index.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("mtls-doctor")
    .description("Finds out why a mutual-TLS handshake failed, and says what to do about it.")
    .version(VERSION)
    // Usage errors are one line too, in the same form as every other error.
    .configureOutput({ outputError: (str, write) => write(`mtls-doctor: ${str.trim()} (see mtls-doctor --help)\n`) })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander.
      process.exitCode = e.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
      return;
    }
    process.exitCode = reportError(e);
  }
}

// A reader that stops early (`mtls-doctor demo | head`) closes our stdout: that is not an error, just stop.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? ExitCode.OK);
  process.exitCode = reportError(e);
});

process.on("unhandledRejection", (e) => {
  process.exitCode = reportError(e);
});
process.on("uncaughtException", (e) => {
  process.exitCode = reportError(e);
});
await main(process.argv);
