/** The list of commands the CLI registers, in help order. Each entry registers one command on the program. */
import type { Command } from "commander";
import { register as analyze } from "./analyze.js";
import { register as demo } from "./demo.js";
import { register as diagnose } from "./diagnose.js";
import { register as gather } from "./gather.js";
import { register as inspect } from "./inspect.js";
import { register as probe } from "./probe.js";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [demo, diagnose, inspect, probe, analyze, gather];
