import * as pulumi from "@pulumi/pulumi";

/** What the engine would be told about one resource registration. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  custom: boolean;
  dependencies: string[];
  retainOnDelete: boolean;
  additionalSecretOutputs: string[];
  provider: string;
  /** Inputs with secrets unwrapped to their values. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: any;
  /**
   * Inputs as sent to the engine, secrets still wrapped where they are (see isSecretValue). Unlike the
   * mocks' deserialized inputs, a secret inside an object is not pushed up to the whole object.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rawInputs: any;
}

export const registrations: Registration[] = [];
/** Every invoke (function call) the program made, in order. */
export const invocations: { token: string; inputs: Record<string, unknown> }[] = [];
/** What `minikube docker-env --shell none` answers under the mocks. */
export const FAKE_DOCKER_ENV =
  'DOCKER_TLS_VERIFY="1"\nDOCKER_HOST="tcp://192.168.49.2:2376"\nDOCKER_CERT_PATH="/home/u/.minikube/certs"\n';

const KUBECONFIG_FROM_MINIKUBE = [
  "apiVersion: v1",
  "kind: Config",
  "current-context: kfp-protein-dev",
  "clusters: [{name: kfp-protein-dev, cluster: {server: 'https://192.168.49.2:8443'}}]",
  "contexts: [{name: kfp-protein-dev, context: {cluster: kfp-protein-dev, user: kfp-protein-dev}}]",
  "users: [{name: kfp-protein-dev, user: {token: t0k3n}}]",
].join("\n");

export const FAKE_DIGEST = `localhost:5000/amber@sha256:${"d".repeat(64)}`;
/** What the mock engine gives the AMBER image's CUDA variant (its tag ends in -cuda12). */
export const FAKE_CUDA_DIGEST = `localhost:5000/amber@sha256:${"e".repeat(64)}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fakeOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, any> {
  if (args.type === "command:local:Command") {
    const create: string = args.inputs.create;
    if (create.startsWith("kubectl config view")) return { stdout: KUBECONFIG_FROM_MINIKUBE };
    if (create.includes("docker-env"))
      return {
        stdout: "DOCKER_TLS_VERIFY=1\nDOCKER_HOST=tcp://127.0.0.1:32771\nDOCKER_CERT_PATH=/home/u/.minikube/certs\n",
      };
    return { stdout: "" };
  }
  if (args.type === "docker:index/image:Image") {
    const cuda = String(args.inputs.imageName).endsWith("-cuda12");
    return { repoDigest: cuda ? FAKE_CUDA_DIGEST : FAKE_DIGEST, imageName: args.inputs.imageName };
  }
  if (args.name.endsWith("-credentials")) return { accessKey: "kfp-0123456789abcdef", secretKey: "generated-secret" };
  if (args.name === "protein-pipeline-run")
    return { runId: "run-1", state: "SUCCEEDED", runUrl: "http://localhost:8080/#/runs/details/run-1" };
  return {};
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a raw input value (Registration.rawInputs) is a secret. */
export function isSecretValue(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === "object" && Object.values(v).includes(SECRET_SIG) && "value" in v;
}

/** Secrets arrive wrapped ({<sig key>: SECRET_SIG, value}); tests look at the values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function unwrapSecrets(v: any): any {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    if (isSecretValue(v)) return unwrapSecrets(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inputsByUrnKey = new Map<string, any>();
let installed = false;

/** Pulumi mocks that also record parents, dependencies and options, which plain setMocks does not expose. */
export function installMocks(stack = "dev"): void {
  registrations.length = 0;
  invocations.length = 0;
  if (!installed) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
    const original = MockMonitor.prototype.registerResource;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    MockMonitor.prototype.registerResource = function (req: any, callback: any) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return original.call(this, req, (err: any, response: any) => {
        if (!err) {
          registrations.push({
            type: req.getType(),
            name: req.getName(),
            urn: response.getUrn(),
            parent: req.getParent(),
            custom: req.getCustom(),
            dependencies: req.getDependenciesList(),
            retainOnDelete: req.getRetainondelete(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            provider: req.getProvider(),
            inputs: inputsByUrnKey.get(`${req.getType()}::${req.getName()}`) ?? {},
            rawInputs: req.getObject()?.toJavaScript() ?? {},
          });
        }
        callback(err, response);
      });
    };
    installed = true;
  }
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        inputsByUrnKey.set(`${args.type}::${args.name}`, unwrapSecrets(args.inputs));
        return { id: `${args.name}-id`, state: { ...args.inputs, ...fakeOutputs(args) } };
      },
      call: (args) => {
        invocations.push({ token: args.token, inputs: args.inputs });
        if (args.token === "command:local:run") return { ...args.inputs, stdout: FAKE_DOCKER_ENV, stderr: "" };
        return args.inputs;
      },
    },
    "kfp-protein-stack",
    stack,
    false,
  );
}

/** Waits until no new registration has arrived for a while. */
export async function settle(): Promise<void> {
  let seen = -1;
  let quiet = 0;
  while (quiet < 10) {
    await new Promise((r) => setTimeout(r, 5));
    if (registrations.length === seen) quiet++;
    else {
      seen = registrations.length;
      quiet = 0;
    }
  }
}

export function byName(name: string): Registration {
  const found = registrations.filter((r) => r.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one registration named ${name}, found ${found.length}: ${registrations.map((r) => r.name).join(", ")}`,
    );
  return found[0];
}

export function outputValue<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

export async function isSecretOutput<T>(o: pulumi.Output<T>): Promise<boolean> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (o as any).isSecret as Promise<boolean>;
}
