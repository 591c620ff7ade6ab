import { partialFailure, taggedError, withoutUndefined } from "../../../stacks/dynamic/errors";

test("taggedError is a plain Error with the name and the tags as own properties", () => {
  const e = taggedError("KubeApiError", "HTTP 503", { status: 503 });
  expect(Object.getPrototypeOf(e)).toBe(Error.prototype);
  expect(e.message).toBe("HTTP 503");
  expect(e.name).toBe("KubeApiError");
  expect(e.status).toBe(503);
});

test("partialFailure carries what the provider host records: id, properties and the message as reason", () => {
  const e = partialFailure("RunNotSucceededError", "run failed", "run-1", { state: "FAILED" });
  expect(e).toMatchObject({ name: "RunNotSucceededError", id: "run-1", properties: { state: "FAILED" } });
  expect(e.reasons).toEqual(["run failed"]);
});

test("withoutUndefined drops undefined keys at any depth, keeping everything else", () => {
  const cleaned = withoutUndefined({ a: 1, b: undefined, c: { d: undefined, e: [1, "x"], f: false } });
  expect(JSON.stringify(cleaned)).toBe('{"a":1,"c":{"e":[1,"x"],"f":false}}');
});
