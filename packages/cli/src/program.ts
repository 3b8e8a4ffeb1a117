/**
 * The `tsray` command line: one commander program, each subcommand a Command
 * of its own: `init` (from create-tsray, so `tsray init` and `npm create tsray`
 * are one implementation), and `start`, `status`, `stop` (cluster-commands.ts).
 */
import { Command } from "commander";
import { initCommand } from "create-tsray";
import { startCommand, statusCommand, stopCommand } from "./cluster-commands.js";

export function tsrayProgram(): Command {
  return new Command("tsray")
    .description("tsray: Ray Core for TypeScript")
    .addCommand(initCommand("init"))
    .addCommand(startCommand())
    .addCommand(statusCommand())
    .addCommand(stopCommand());
}
