/**
 * Offline supply-chain checks on package-lock.json (npm lockfile v2/v3). They need no
 * network, unlike `npm audit`, whose advisory endpoint CI cannot reach here; they do
 * not look for known vulnerabilities. What they check:
 *  - every installed package is pinned with a sha512 integrity hash;
 *  - none comes from git, a local file, a link or a registry other than npm's;
 *  - the packages that run install scripts are all named in package.json's
 *    `allowScripts` (a review list: npm itself does not enforce it).
 */
export interface LockPackage {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  hasInstallScript?: boolean;
}

export interface Lockfile {
  lockfileVersion?: number;
  packages?: Record<string, LockPackage>;
}

const NPM_REGISTRY = "https://registry.npmjs.org/";

/** "node_modules/a/node_modules/@s/b" → "@s/b". */
export function packageName(lockPath: string): string {
  const at = lockPath.lastIndexOf("node_modules/");
  return at < 0 ? lockPath : lockPath.slice(at + "node_modules/".length);
}

const installed = (lock: Lockfile) => Object.entries(lock.packages ?? {}).filter(([p]) => p !== "");

export function lockfileProblems(lock: Lockfile): string[] {
  if (!lock.lockfileVersion || lock.lockfileVersion < 2 || !lock.packages) return ["package-lock.json is not a v2/v3 lockfile with a packages map"];
  const problems: string[] = [];
  for (const [where, pkg] of installed(lock)) {
    if (pkg.link) problems.push(`${where} is a link, not a registry package`);
    else if (!pkg.integrity?.startsWith("sha512-")) problems.push(`${where} has no sha512 integrity hash`);
    if (pkg.resolved && !pkg.resolved.startsWith(NPM_REGISTRY)) problems.push(`${where} comes from ${pkg.resolved}, not the npm registry`);
    if (pkg.version && !/^\d+\.\d+\.\d+([-+][\w.+-]*)?$/.test(pkg.version)) problems.push(`${where} has a non-registry version "${pkg.version}"`);
  }
  return problems;
}

export function installScriptProblems(lock: Lockfile, allowScripts: Record<string, boolean>): string[] {
  return installed(lock)
    .filter(([, pkg]) => pkg.hasInstallScript)
    .map(([where]) => packageName(where))
    .filter((name) => allowScripts[name] !== true)
    .map((name) => `${name} runs an install script but is not in package.json's allowScripts`);
}
