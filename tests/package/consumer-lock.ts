/**
 * Writes the package-lock.json of an empty consumer project that depends on the embedkit
 * tarball, with every runtime dependency pinned to the entry (version, resolved URL, integrity)
 * this repository's own lock holds, so that `npm ci --offline` installs it from the npm cache
 * that installing this repository filled: no registry metadata is needed.
 */
import { readFileSync } from "node:fs";

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}
interface Lock {
  packages: Record<string, LockEntry>;
}

/** Where Node would find `name` from the package at `from` (a lock path), or undefined. */
function locate(packages: Lock["packages"], from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

export function consumerLock(options: {
  repoLockPath: string;
  repoPackageJson: {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    bin?: Record<string, string>;
    engines?: Record<string, string>;
  };
  tarballName: string;
}): { packageJson: object; lock: object } {
  const repo = JSON.parse(readFileSync(options.repoLockPath, "utf8")) as Lock;
  const { name, version, dependencies, bin, engines } = options.repoPackageJson;
  const out: Record<string, LockEntry> = {};
  const visit = (path: string): void => {
    if (out[path]) return;
    const entry = repo.packages[path]!;
    const copy: LockEntry = { ...entry };
    for (const flag of ["dev", "devOptional", "peer", "extraneous"]) delete copy[flag];
    out[path] = copy;
    for (const [dep, optional] of [
      ...Object.keys(entry.dependencies ?? {}).map((d) => [d, false] as const),
      ...Object.keys(entry.optionalDependencies ?? {}).map((d) => [d, true] as const),
    ]) {
      const found = locate(repo.packages, path, dep);
      if (found) visit(found);
      else if (!optional) throw new Error(`the repository's lock has no ${dep} for ${path}`);
    }
  };
  for (const dep of Object.keys(dependencies)) visit(`node_modules/${dep}`);
  const spec = `file:${options.tarballName}`;
  const packageJson = { name: "embedkit-consumer", version: "1.0.0", private: true, dependencies: { [name]: spec } };
  const lock = {
    name: packageJson.name,
    version: packageJson.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: packageJson.name, version: packageJson.version, dependencies: { [name]: spec } },
      [`node_modules/${name}`]: {
        version,
        resolved: spec,
        dependencies,
        ...(bin ? { bin } : {}),
        ...(engines ? { engines } : {}),
      },
      ...out,
    },
  };
  return { packageJson, lock };
}
