/**
 * How the stack reaches the KFP REST API, and a plain HTTP(S) request function built from it.
 * Runs in the provider host (see ../dynamic/README.md).
 */
import { Connection, HttpRequester, requesterFor } from "../dynamic/http";
import { kubeConnection, kubeCredentials, kubeServiceProxyPath } from "../kube/kubeconfig";

export type KfpAccess =
  | {
      kind: "kubeProxy";
      kubeconfig: string; // file CONTENTS
      context?: string;
      namespace: string;
      service: string;
      port: number;
    }
  | { kind: "endpoint"; baseUrl: string; bearerToken?: string };

export function connectionFor(access: KfpAccess, readFile?: (p: string) => Buffer): Connection {
  if (access.kind === "endpoint") {
    if (!/^https?:\/\//.test(access.baseUrl)) {
      throw new Error(`KFP endpoint "${access.baseUrl}" must start with http:// or https://`);
    }
    return {
      baseUrl: access.baseUrl.replace(/\/+$/, ""),
      headers: access.bearerToken ? { authorization: `Bearer ${access.bearerToken}` } : {},
      tls: { rejectUnauthorized: true },
    };
  }
  if (access.kind === "kubeProxy") {
    return kubeConnection(
      access.kubeconfig,
      access.context,
      kubeServiceProxyPath(access.namespace, access.service, access.port),
      readFile,
    );
  }
  throw new Error(`KFP access kind "${(access as { kind: string }).kind}" is unknown; use "kubeProxy" or "endpoint"`);
}

/** Where the KFP UI is, for links: the ml-pipeline-ui service through the same proxy, or the endpoint. */
export function defaultUiBaseUrl(access: KfpAccess): string {
  if (access.kind === "endpoint") return access.baseUrl.replace(/\/+$/, "");
  const creds = kubeCredentials(access.kubeconfig, access.context, () => Buffer.alloc(0));
  return creds.server + kubeServiceProxyPath(access.namespace, "ml-pipeline-ui", 80);
}

export function requesterForAccess(access: KfpAccess, maxResponseBytes?: number): HttpRequester {
  return requesterFor(connectionFor(access), undefined, maxResponseBytes);
}
