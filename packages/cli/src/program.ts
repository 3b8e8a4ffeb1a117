/**
 * The `tsray` command line: one commander program, each subcommand a Command
 * of its own (today only `init`, from create-tsray, so `tsray init` and
 * `npm create tsray` are one implementation).
 */
import { Command } from "commander";
import { initCommand } from "create-tsray";

export function tsrayProgram(): Command {
  return new Command("tsray")
    .description("tsray: Ray Core for TypeScript")
    .addCommand(initCommand("init"));
}
