import { registryProxyConfig } from "../../../stacks/registry/in-cluster-registry";

describe("registry proxy", () => {
  it("relays TCP from the node port to the registry Service", () => {
    const conf = registryProxyConfig("registry.kfp-registry:80", 5000);
    expect(conf).toMatch(/stream \{\n {2}server \{ listen 5000; proxy_pass registry\.kfp-registry:80;/);
  });
});
