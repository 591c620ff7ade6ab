import {
    appeared,
    baselineManifests,
    Deployment,
    duplicateUrns,
    objectsDestroyMustRemove,
    revealSecrets,
} from "../state";

const SIG = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

const deployment: Deployment = {
    resources: [
        { urn: "urn:stack", type: "pulumi:pulumi:Stack" },
        { urn: "urn:provider", type: "pulumi:providers:kubernetes", custom: true },
        { urn: "urn:group", type: "kubernetes:yaml/v2:ConfigGroup", custom: false },
        {
            urn: "urn:deploy",
            type: "kubernetes:apps/v1:Deployment",
            custom: true,
            inputs: {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "minio", namespace: "kubeflow", annotations: { "pulumi.com/skipAwait": "false", team: "md" } },
                spec: { replicas: 1 },
            },
            outputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "minio", namespace: "kubeflow" } },
        },
        {
            urn: "urn:ns",
            type: "kubernetes:core/v1:Namespace",
            custom: true,
            inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "kubeflow" } },
            outputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "kubeflow" } },
        },
        {
            urn: "urn:secret",
            type: "kubernetes:core/v1:Secret",
            custom: true,
            retainOnDelete: true,
            inputs: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "creds", namespace: "kubeflow" },
                stringData: { [SIG]: secretSig, plaintext: JSON.stringify({ secretkey: "s3cr3t" }) },
            },
            outputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "kubeflow" } },
        },
        {
            urn: "urn:patch",
            type: "kubernetes:apps/v1:DeploymentPatch",
            custom: true,
            inputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "workflow-controller", namespace: "kubeflow" } },
            outputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "workflow-controller", namespace: "kubeflow" } },
        },
    ],
};

describe("objectsDestroyMustRemove", () => {
    it("lists owned objects, leaving out providers, components, patches and retained objects", () => {
        expect(objectsDestroyMustRemove(deployment)).toEqual([
            { apiVersion: "apps/v1", kind: "Deployment", name: "minio", namespace: "kubeflow" },
            { apiVersion: "v1", kind: "Namespace", name: "kubeflow" },
        ]);
    });

    it("says which resource lacks an object identity", () => {
        const broken: Deployment = { resources: [{ urn: "urn:x", type: "kubernetes:core/v1:Pod", custom: true, outputs: {} }] };
        expect(() => objectsDestroyMustRemove(broken)).toThrow(/urn:x has no apiVersion/);
    });
});

describe("baselineManifests", () => {
    it("orders namespaces first, strips Pulumi annotations, reveals secrets and keeps patches apart", () => {
        const { objects, patches } = baselineManifests(deployment);
        expect(objects.map((o) => o.kind)).toEqual(["Namespace", "Deployment", "Secret"]);
        expect((objects[1].metadata as Record<string, unknown>).annotations).toEqual({ team: "md" });
        expect(objects[2].stringData).toEqual({ secretkey: "s3cr3t" });
        expect(patches.map((p) => (p.metadata as Record<string, unknown>).name)).toEqual(["workflow-controller"]);
    });
});

describe("revealSecrets", () => {
    it("refuses encrypted secrets with the fix in the message", () => {
        expect(() => revealSecrets({ a: { [SIG]: secretSig, ciphertext: "xyz" } })).toThrow(/--show-secrets/);
    });
});

describe("appeared and duplicateUrns", () => {
    it("finds names present only after", () => {
        expect(appeared(["namespace/default"], ["namespace/default", "namespace/kubeflow"])).toEqual(["namespace/kubeflow"]);
    });

    it("finds URNs recorded twice", () => {
        expect(duplicateUrns({ resources: [{ urn: "a", type: "t" }, { urn: "a", type: "t" }, { urn: "b", type: "t" }] })).toEqual(["a"]);
    });
});
