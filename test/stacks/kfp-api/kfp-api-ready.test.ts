import { makeReadyProvider } from "../../../stacks/kfp-api/kfp-api-ready";
import { FakeKfp, startFakeKfp } from "../../fakes/fake-kfp";
import { endpointAccess } from "../../fixtures/provider-inputs";

let fake: FakeKfp;
let logs: string[];
beforeEach(async () => {
  fake = await startFakeKfp();
  logs = [];
});
afterEach(async () => {
  expect(fake.state.requestViolations).toEqual([]);
  await fake.close();
});

const provider = () => makeReadyProvider({ log: (m) => logs.push(m), intervalMs: 1 });
const inputs = (timeoutSeconds = 5) => ({ access: endpointAccess(fake.url), timeoutSeconds, providerVersion: "t" });

test("waits through 503s until healthz answers, logging each attempt", async () => {
  fake.injectFault({
    path: "/healthz",
    status: 503,
    message: 'no endpoints available for service "ml-pipeline"',
    times: 2,
  });
  const { outs } = await provider().create(inputs());
  expect(JSON.parse(outs.healthz)).toEqual({ multi_user: false, pipeline_store: "database" });
  expect(logs).toHaveLength(3);
  expect(logs[0]).toContain(
    'attempt 1): KFP GET /apis/v2beta1/healthz answered HTTP 503: no endpoints available for service "ml-pipeline"',
  );
  expect(logs[2]).toMatch(/^KFP API healthy after \d+ s \(3 attempts\)$/);
});

test("gives up after the timeout with the last error and where to look", async () => {
  fake.injectFault({ path: "/healthz", status: 503, message: "still starting", times: 1_000 });
  await expect(provider().create(inputs(0.05))).rejects.toThrow(
    /did not answer healthz within 0.05 s \(kfp readiness timeout\); last error: .*HTTP 503: still starting.*kubectl get pods/,
  );
});

test("diff: changes only when access, timeout or provider version change", async () => {
  const { outs } = await provider().create(inputs());
  const diff = provider().diff;
  expect(await diff("kfp-api-ready", outs, inputs())).toEqual({ changes: false });
  expect(await diff("kfp-api-ready", outs, { ...inputs(), providerVersion: "u" })).toEqual({ changes: true });
  expect(await diff("kfp-api-ready", outs, { ...inputs(), access: endpointAccess("http://elsewhere:1") })).toEqual({
    changes: true,
  });
});
