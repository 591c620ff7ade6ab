import { imageRefProblem, isDigestRef, isPinnedImage } from "../../../stacks/config/checks";

const sha = "0123456789abcdef".repeat(4);

describe("image references", () => {
  it.each([
    [`localhost:5000/amber@sha256:${sha}`, true],
    [`quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:${sha}`, true],
    ["localhost:5000/amber:1.0", false],
    [`amber@sha256:${sha.slice(1)}`, false],
    [`amber@sha256:${sha.toUpperCase()}`, false],
    [`Amber@sha256:${sha}`, false],
  ])("isDigestRef(%s) = %s", (ref, expected) => expect(isDigestRef(ref)).toBe(expected));

  it.each([
    ["registry:2.8.3", true],
    ["docker.io/library/nginx:1.29.1-alpine", true],
    ["nginx", false],
    ["nginx:latest", false],
    ["localhost:5000/amber", false],
    [`localhost:5000/amber@sha256:${sha}`, true],
  ])("isPinnedImage(%s) = %s", (ref, expected) => expect(isPinnedImage(ref)).toBe(expected));
});

describe("the distribution reference grammar", () => {
  it.each([
    "my--image:1.0",
    "a__b:1.0",
    "a.b_c-d:1.0",
    "[::1]:5000/x:1.0",
    "localhost:65535/x:1.0",
    "Registry.Example:443/team/app:v1",
    `x@sha256:${sha}`,
  ])("accepts %s", (ref) => {
    expect(imageRefProblem(ref)).toBeUndefined();
    expect(isPinnedImage(ref)).toBe(true);
  });

  it.each([
    ["localhost:65536/x:1.0", /port 65536 is outside 1-65535/],
    ["localhost:0/x:1.0", /port 0 is outside/],
    [`r/${"a".repeat(254)}:1.0`, /name is longer than 255/],
    ["a___b:1.0", /not \[host/],
    ["-a:1.0", /not \[host/],
    ["a:1.0:2.0", /not \[host/],
    ["", /not \[host/],
    ["x:" + "t".repeat(129), /not \[host/],
  ])("refuses %s", (ref, why) => {
    expect(imageRefProblem(ref)).toMatch(why);
    expect(isPinnedImage(ref)).toBe(false);
  });
});
