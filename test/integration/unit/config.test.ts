import { integrationConfig, TEST_AMBER_IMAGE } from "../config";

const base = { kubeconfig: "/tmp/kc", context: "kwok-x", kfpPath: "/shared/kfp/2.17.0", metricsPort: 9191 };

describe("integrationConfig", () => {
  it("targets the existing cluster, the offline KFP manifests and a prebuilt image", () => {
    const c = integrationConfig(base);
    expect(c["cluster.mode"]).toBe("existing");
    expect(c["cluster.kubeconfig"]).toBe("/tmp/kc");
    expect(c["kfp.source"]).toBe("path");
    expect(c["amber.build"]).toBe("false");
    expect(TEST_AMBER_IMAGE).toMatch(/^localhost:5000\/amber@sha256:[0-9a-f]{64}$/);
    expect(c["workflowController.metricsPort"]).toBe("9191");
  });

  it("enables the pipeline run only when a KFP endpoint is given", () => {
    expect(integrationConfig(base)["pipeline.enabled"]).toBe("false");
    expect(integrationConfig(base)["kfp.apiEndpoint"]).toBeUndefined();
    const withKfp = integrationConfig({ ...base, kfpApiEndpoint: "http://127.0.0.1:1234" });
    expect(withKfp["pipeline.enabled"]).toBe("true");
    expect(withKfp["kfp.apiEndpoint"]).toBe("http://127.0.0.1:1234");
  });
});
