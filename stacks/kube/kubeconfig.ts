import * as YAML from "yaml";

/** Pure kubeconfig handling: pick one context and keep only what it needs. */

interface Named<T> {
  name: string;
  [key: string]: unknown;
  context?: T;
  cluster?: T;
  user?: T;
}
interface Kubeconfig {
  "current-context"?: string;
  contexts?: Named<{ cluster: string; user: string; namespace?: string }>[];
  clusters?: Named<{ server: string }>[];
  users?: Named<unknown>[];
  [key: string]: unknown;
}

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

function parse(contents: string, origin: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = YAML.parse(contents);
  } catch (e) {
    throw new KubeconfigError(
      `${origin} is not valid YAML (${(e as Error).message.split("\n")[0]}). Fix: point cluster.kubeconfig at a kubeconfig file.`,
    );
  }
  if (typeof doc !== "object" || doc === null || !Array.isArray((doc as Kubeconfig).contexts)) {
    throw new KubeconfigError(
      `${origin} is not a kubeconfig (no contexts). Fix: point cluster.kubeconfig at a kubeconfig file.`,
    );
  }
  return doc as Kubeconfig;
}

/**
 * Returns a kubeconfig with only `context` (or the current-context when empty), its cluster and its user,
 * and the names it resolved. Errors name the config key to change.
 */
export function minifyKubeconfig(
  contents: string,
  context: string,
  origin: string,
): { kubeconfig: string; context: string; server: string } {
  const kc = parse(contents, origin);
  const name = context || kc["current-context"];
  const contexts = kc.contexts ?? [];
  if (!name) {
    throw new KubeconfigError(
      `${origin} has no current-context. Fix: pulumi config set --path cluster.context <one of: ${contexts.map((c) => c.name).join(", ")}>`,
    );
  }
  const ctx = contexts.find((c) => c.name === name);
  if (!ctx?.context) {
    throw new KubeconfigError(
      `context "${name}" is not in ${origin} (it has: ${contexts.map((c) => c.name).join(", ") || "none"}). ` +
        "Fix: pulumi config set --path cluster.context <one of them>, or start the cluster first (minikube start -p <profile>).",
    );
  }
  const cluster = (kc.clusters ?? []).find((c) => c.name === ctx.context!.cluster);
  const user = (kc.users ?? []).find((u) => u.name === ctx.context!.user);
  if (!cluster?.cluster?.server)
    throw new KubeconfigError(
      `context "${name}" in ${origin} names cluster "${ctx.context.cluster}", which has no server.`,
    );
  if (!user)
    throw new KubeconfigError(`context "${name}" in ${origin} names user "${ctx.context.user}", which is not defined.`);
  const minified = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": name,
    contexts: [ctx],
    clusters: [cluster],
    users: [user],
  };
  return { kubeconfig: YAML.stringify(minified), context: name, server: cluster.cluster.server };
}
