/**
 * Where the generated project gets `tsray` and `@tsray/transformer`: from the
 * registry (the published ranges), or, until they are published, from the
 * tarballs `npm run pack` writes in a clone of tsray (dist-packages/).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The range of the published packages. tsray's packages are released in lockstep, at one version. */
export const PUBLISHED_RANGE = "^0.1.0";

/** The environment variable read when `--tsray-from` is not given (the README's name for dist-packages/). */
export const TSRAY_FROM_ENV = "TSRAY_PACKAGES";

/** npm dependency specs (a range or a `file:` tarball path) of the two tsray packages. */
export interface TsrayPackageSpecs {
  readonly tsray: string;
  readonly transformer: string;
}

/**
 * `from` undefined: the published range. Otherwise a folder of tarballs (or one
 * tarball in it) holding exactly one each of
 * `tsray-<version>.tgz` and `tsray-transformer-<version>.tgz`;
 * relative paths are taken from `cwd`. Throws, saying how to make them, when
 * either is missing.
 */
export function tsrayPackageSpecs(from: string | undefined, cwd: string): TsrayPackageSpecs {
  if (from === undefined || from === "") return { tsray: PUBLISHED_RANGE, transformer: PUBLISHED_RANGE };
  const given = resolve(cwd, from);
  if (!existsSync(given)) throw new Error(`--tsray-from ${from}: no such file or folder. Run \`npm run pack\` in a clone of tsray and pass its dist-packages folder.`);
  const folder = statSync(given).isDirectory() ? given : dirname(given);
  const tarballs = readdirSync(folder);
  const find = (prefix: string): string => {
    const matches = tarballs.filter((name) => new RegExp(`^${prefix}-\\d+\\.\\d+\\.\\d+.*\\.tgz$`).test(name));
    if (matches.length !== 1) {
      const found = matches.length === 0 ? "none" : matches.join(", ");
      throw new Error(
        `--tsray-from ${from}: expected one ${prefix}-<version>.tgz in ${folder}, found ${found}. ` +
          "Run `npm run pack` in a clone of tsray (it empties dist-packages first) and pass its dist-packages folder.",
      );
    }
    return `file:${join(folder, matches[0]!)}`;
  };
  return { tsray: find("tsray"), transformer: find("tsray-transformer") };
}
