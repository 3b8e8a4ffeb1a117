/**
 * The one definition of the scaffold's command line, shared by `create-tsray`
 * (where it is the whole program) and `tsray init` (a subcommand of @tsray/cli),
 * so both take the same arguments and print the same help.
 */
import { Command, CommanderError } from "commander";
import { relative } from "node:path";
import { scaffold } from "./scaffold.js";
import { PUBLISHED_RANGE, TSRAY_FROM_ENV } from "./tsray-packages.js";

/** Exit status of a command line that could not be parsed (unknown flag or command, missing argument). */
export const USAGE_EXIT_CODE = 2;

export function initCommand(name: string): Command {
  return new Command(name)
    .description("create a ready tsray project: a task, an actor, npm start and npm test")
    .argument("<directory>", "the new project's folder (its name becomes the package name)")
    .option(
      "--tsray-from <dir>",
      `folder of tarballs written by \`npm run pack\` in a clone of tsray, to depend on instead of the published ${PUBLISHED_RANGE} (default: $${TSRAY_FROM_ENV})`,
    )
    .action((directory: string, flags: { tsrayFrom?: string }) => {
      const made = scaffold({ directory, tsrayFrom: flags.tsrayFrom ?? process.env[TSRAY_FROM_ENV] });
      const shown = relative(process.cwd(), made.root) || ".";
      console.log(`Created ${made.packageName} in ${made.root}:`);
      for (const file of made.files) console.log(`  ${file}`);
      console.log(`\nNext:\n  cd ${shown}\n  npm install\n  npm start     # prints the squares of 1..4 and their total\n  npm test`);
    });
}

/**
 * Runs `program` on `argv` and returns the exit status: 0 after help or
 * success, USAGE_EXIT_CODE when commander rejects the command line (it has
 * already printed why), 1 with the message when the command itself fails.
 */
export async function runCommandLine(program: Command, argv: readonly string[]): Promise<number> {
  // Set on every command: commander copies neither setting into a command given to addCommand.
  const configure = (command: Command, path: string): void => {
    command.exitOverride().showHelpAfterError(`(run \`${path} --help\` for usage)`);
    for (const sub of command.commands) configure(sub, `${path} ${sub.name()}`);
  };
  configure(program, program.name());
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    console.error(`${program.name()}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
